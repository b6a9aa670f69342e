package org.inlier.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.inlier.runtime.model.Checkpoint;
import org.inlier.runtime.stages.TrainStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunQueueOverTheBusTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void fiftyConcurrentValidateRequestsAreEveryOneAnswered() throws Exception {
        try (TinyRuns runs = new TinyRuns(dir, 4)) {
            List<Future<JsonObject>> replies = IntStream.range(0, 50)
                    .mapToObj(i -> runs.request(Addresses.PIPELINE_VALIDATE, runs.training(i + 1, 10))).toList();

            await().atMost(PATIENCE).until(() -> replies.stream().allMatch(Future::isComplete));
            assertThat(replies).allMatch(Future::succeeded);
            assertThat(replies.get(49).result().getString("name")).isEqualTo("tiny");
        }
    }

    @Test
    void fiftyConcurrentRunsAreEachQueuedOrRefusedAsBusyAndEveryQueuedOneFinishes() throws Exception {
        try (TinyRuns runs = new TinyRuns(dir, 2)) {
            List<Future<JsonObject>> replies = IntStream.range(0, 50)
                    .mapToObj(i -> runs.request(Addresses.PIPELINE_RUN, runs.training(2, 10).put("runId", "run-" + i))).toList();

            await().atMost(PATIENCE).until(() -> replies.stream().allMatch(Future::isComplete));
            List<String> accepted = new ArrayList<>();
            for (Future<JsonObject> reply : replies) {
                if (reply.succeeded()) {
                    accepted.add(reply.result().getString("runId"));
                } else {
                    ReplyException busy = (ReplyException) reply.cause();
                    assertThat(busy.failureCode()).isEqualTo(Failure.BUSY.code());
                    assertThat(Failure.describe(busy).getString("type")).isEqualTo("busy");
                }
            }
            // Two places in the line, and the first run may already have left it to execute.
            assertThat(accepted).hasSizeBetween(2, 3);
            await().atMost(PATIENCE).until(() -> accepted.stream().allMatch(id -> runs.state(id).equals("done")));
            assertThat(runs.ask(Addresses.RUNS_STATUS, new JsonObject()).getJsonArray("runs")).hasSize(accepted.size());
        }
    }

    @Test
    void statusReportsQueuedAndRunningRunsAndCancelStopsBoth() throws Exception {
        try (TinyRuns runs = new TinyRuns(dir, 4)) {
            runs.ask(Addresses.PIPELINE_RUN, runs.training(1_000_000, 1000).put("runId", "long"));
            runs.ask(Addresses.PIPELINE_RUN, runs.training(1, 1).put("runId", "next"));

            await().atMost(PATIENCE).until(() -> runs.ask(Addresses.RUNS_STATUS, new JsonObject().put("runId", "long"))
                    .getJsonObject("progress", new JsonObject()).getInteger("step", 0) >= 2);
            JsonObject running = runs.ask(Addresses.RUNS_STATUS, new JsonObject().put("runId", "long"));
            assertThat(running.getString("state")).isEqualTo("running");
            assertThat(running.getString("stage")).isEqualTo("train");
            assertThat(running.getJsonObject("progress").getMap()).containsKeys("step", "steps", "eta_s");
            JsonObject queued = runs.ask(Addresses.RUNS_STATUS, new JsonObject().put("runId", "next"));
            assertThat(queued.getString("state")).isEqualTo("queued");
            assertThat(queued.getInteger("position")).isEqualTo(1);

            assertThat(runs.ask(Addresses.RUNS_CANCEL, new JsonObject().put("runId", "next")).getString("state")).isEqualTo("cancelled");
            assertThat(runs.ask(Addresses.RUNS_CANCEL, new JsonObject().put("runId", "long")).getBoolean("cancelling")).isTrue();
            await().atMost(PATIENCE).until(() -> runs.state("long").equals("cancelled"));
            assertThat(runs.state("next")).isEqualTo("cancelled");
        }
    }

    @Test
    void cancelKeepsALoadableCheckpointAndResumeContinuesFromIt() throws Exception {
        try (TinyRuns runs = new TinyRuns(dir, 4)) {
            runs.ask(Addresses.PIPELINE_RUN, runs.training(1_000_000, 5).put("runId", "resumable"));
            Path checkpoint = runs.runDir("resumable").resolve(TrainStage.CHECKPOINT);
            await().atMost(PATIENCE).until(() -> Files.exists(checkpoint));

            runs.ask(Addresses.RUNS_CANCEL, new JsonObject().put("runId", "resumable"));
            await().atMost(PATIENCE).until(() -> runs.state("resumable").equals("cancelled"));
            int saved = ((Number) Checkpoint.load(checkpoint).state().get("step")).intValue();
            assertThat(saved).isPositive().isEqualTo(saved / 5 * 5);

            runs.ask(Addresses.PIPELINE_RUN, new JsonObject().put("runId", "resumable").put("resume", true));
            Path events = runs.runDir("resumable").resolve(TrackedRun.EVENTS);
            await().atMost(PATIENCE).until(() -> Files.readString(events).contains("resumed from " + checkpoint + " at step " + saved));
            runs.ask(Addresses.RUNS_CANCEL, new JsonObject().put("runId", "resumable"));
            await().atMost(PATIENCE).until(() -> runs.state("resumable").equals("cancelled"));
            assertThat(((Number) Checkpoint.load(checkpoint).state().get("step")).intValue()).isGreaterThanOrEqualTo(saved);
        }
    }

    @Test
    void closingTheRuntimeCancelsTheQueuedRunAndStopsTheRunningOneAtAStepBoundary() throws Exception {
        TinyRuns runs = new TinyRuns(dir, 4);
        runs.ask(Addresses.PIPELINE_RUN, runs.training(1_000_000, 1000).put("runId", "first"));
        runs.ask(Addresses.PIPELINE_RUN, runs.training(1_000_000, 1000).put("runId", "second"));
        await().atMost(PATIENCE).until(() -> runs.state("first").equals("running"));

        runs.close();

        assertThat(runs.runDir("first").resolve(TrackedRun.EVENTS)).content().contains("\"status\":\"cancelled\"");
        assertThat(runs.runDir("second").resolve(TrackedRun.EVENTS)).content().contains("\"status\":\"cancelled\"")
                .doesNotContain("run.started");
    }

    @Test
    void unknownRunsAndActiveResumesAreTypedFailures() throws Exception {
        try (TinyRuns runs = new TinyRuns(dir, 4)) {
            Future<JsonObject> status = runs.request(Addresses.RUNS_STATUS, new JsonObject().put("runId", "nope"));
            Future<JsonObject> cancel = runs.request(Addresses.RUNS_CANCEL, new JsonObject().put("runId", "nope"));
            Future<JsonObject> resume = runs.request(Addresses.PIPELINE_RUN, new JsonObject().put("runId", "nope").put("resume", true));
            await().atMost(PATIENCE).until(() -> status.isComplete() && cancel.isComplete() && resume.isComplete());
            for (Future<JsonObject> reply : List.of(status, cancel, resume)) {
                assertThat(Failure.describe(reply.cause()).getString("type")).isEqualTo("unknown_run");
            }

            runs.ask(Addresses.PIPELINE_RUN, runs.training(1_000_000, 1000).put("runId", "busy"));
            Future<JsonObject> again = runs.request(Addresses.PIPELINE_RUN, new JsonObject().put("runId", "busy").put("resume", true));
            await().atMost(PATIENCE).until(again::isComplete);
            assertThat(Failure.describe(again.cause()).getString("type")).isEqualTo("busy");
            runs.ask(Addresses.RUNS_CANCEL, new JsonObject().put("runId", "busy"));
        }
    }

    @Test
    void aRunWhoseProcessDiedIsReportedInterrupted() throws Exception {
        try (TinyRuns runs = new TinyRuns(dir, 4)) {
            Path orphan = Files.createDirectories(runs.runDir("orphan"));
            String started = new JsonObject(Map.of("type", "run.started", "data", Map.of())).encode();
            String progress = new JsonObject(Map.of("type", "progress", "data", Map.of("stage", "train", "step", 40))).encode();
            // The last line was cut short when the process died.
            Files.writeString(orphan.resolve(TrackedRun.EVENTS), started + "\n" + progress + "\n{\"type\":\"prog");

            JsonObject status = runs.ask(Addresses.RUNS_STATUS, new JsonObject().put("runId", "orphan"));

            assertThat(status.getString("state")).isEqualTo("interrupted");
            assertThat(status.getJsonObject("progress").getInteger("step")).isEqualTo(40);
        }
    }
}
