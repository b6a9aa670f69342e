package org.inlier.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every stage is a verticle at inlier.stage.&lt;name&gt;; the pipeline runner sends a run's stages there in order. */
class StageVerticlesTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String ALL_STAGES = """
            [ { train: { steps: 2, batch: 2, warmup: 0, log_every: 1 } }, { calibrate: { batches: 1, batch: 2 } },
              { quantize: { weights: { bits: 8 }, activations: { bits: 8 } } }, { evaluate: { batches: 1, batch: 2 } } ]""";

    @TempDir
    Path dir;

    @Test
    void aRunSendsEachOfItsStagesToThatStagesAddressInOrderAndEachRepliesWhenDone() throws Exception {
        try (TinyRuns runs = new TinyRuns(dir, 4)) {
            List<String> sent = new CopyOnWriteArrayList<>();
            List<JsonObject> replies = new CopyOnWriteArrayList<>();
            runs.vertx().eventBus().addOutboundInterceptor(delivery -> {
                if (delivery.message().address().startsWith(Addresses.STAGE_PREFIX)) {
                    sent.add(delivery.message().address());
                }
                delivery.next();
            });
            runs.vertx().eventBus().addInboundInterceptor(delivery -> {
                if (delivery.message().body() instanceof JsonObject body && body.containsKey("seconds")) {
                    replies.add(body);
                }
                delivery.next();
            });

            runs.ask(Addresses.PIPELINE_RUN, runs.pipeline(runs.corpusData(), ALL_STAGES).put("runId", "all"));

            await().atMost(PATIENCE).until(() -> runs.state("all").equals("done"));
            assertThat(sent).containsExactly("inlier.stage.train", "inlier.stage.calibrate", "inlier.stage.quantize", "inlier.stage.evaluate");
            assertThat(replies).extracting(r -> r.getString("stage")).containsExactly("train", "calibrate", "quantize", "evaluate");
            assertThat(replies).extracting(r -> r.getInteger("index")).containsExactly(0, 1, 2, 3);
            assertThat(replies).allSatisfy(r -> assertThat(r.getString("runId")).isEqualTo("all"));
        }
    }

    @Test
    void aStageThatThrowsRepliesStageFailedWithItsCauseAndTheRunFailsWithTheStagesOwnMessage() throws Exception {
        try (TinyRuns runs = new TinyRuns(dir, 4)) {
            List<JsonObject> failures = new CopyOnWriteArrayList<>();
            runs.vertx().eventBus().addInboundInterceptor(delivery -> {
                if (delivery.message().body() instanceof ReplyException failure) {
                    failures.add(Failure.describe(failure));
                }
                delivery.next();
            });
            Path missing = dir.resolve("missing.txt").toAbsolutePath();

            runs.ask(Addresses.PIPELINE_RUN, runs.pipeline("set: text-file, path: \"" + missing + "\"", ALL_STAGES).put("runId", "broken"));

            await().atMost(PATIENCE).until(() -> runs.state("broken").equals("failed"));
            assertThat(failures).singleElement().satisfies(f -> {
                assertThat(f.getString("type")).isEqualTo("stage_failed");
                assertThat(f.getString("stage")).isEqualTo("train");
                assertThat(f.getInteger("index")).isZero();
                assertThat(f.getString("cause")).isEqualTo("org.inlier.api.data.DataUnavailableException");
                assertThat(f.getString("message")).contains(missing.toString(), "does not exist");
            });
            JsonObject status = runs.ask(Addresses.RUNS_STATUS, new JsonObject().put("runId", "broken"));
            assertThat(status.getString("message")).isEqualTo(failures.get(0).getString("message"));
        }
    }

    @Test
    void requestsForARunThatIsNotExecutingOrForAnotherStageAreTypedFailures() throws Exception {
        try (TinyRuns runs = new TinyRuns(dir, 4)) {
            runs.ask(Addresses.PIPELINE_RUN, runs.training(1_000_000, 1000).put("runId", "long"));
            await().atMost(PATIENCE).until(() -> runs.state("long").equals("running"));

            Future<JsonObject> unknown = runs.request(Addresses.stage("train"), new JsonObject().put("runId", "nope").put("index", 0));
            Future<JsonObject> wrongStage = runs.request(Addresses.stage("calibrate"), new JsonObject().put("runId", "long").put("index", 0));
            Future<JsonObject> outOfRange = runs.request(Addresses.stage("train"), new JsonObject().put("runId", "long").put("index", 3));
            Future<JsonObject> malformed = runs.request(Addresses.stage("evaluate"), new JsonObject().put("runId", "long"));
            await().atMost(PATIENCE).until(() -> List.of(unknown, wrongStage, outOfRange, malformed).stream().allMatch(Future::isComplete));

            assertThat(Failure.describe(unknown.cause()).getString("type")).isEqualTo("unknown_run");
            assertThat(((ReplyException) unknown.cause()).failureCode()).isEqualTo(Failure.UNKNOWN_RUN.code());
            JsonObject wrong = Failure.describe(wrongStage.cause());
            assertThat(wrong.getString("type")).isEqualTo("bad_request");
            assertThat(wrong.getString("message")).contains("stage 0 is 'train'", "this address runs 'calibrate' stages");
            assertThat(Failure.describe(outOfRange.cause()).getString("message")).contains("the pipeline has 1 stages");
            assertThat(Failure.describe(malformed.cause()).getString("message")).contains("'index'");

            runs.ask(Addresses.RUNS_CANCEL, new JsonObject().put("runId", "long"));
            await().atMost(PATIENCE).until(() -> runs.state("long").equals("cancelled"));
        }
    }
}
