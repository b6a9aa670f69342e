package org.inlier.runtime.bus;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** A runtime over a temporary run store, tiny pipelines on generated text, and bus requests to it. */
final class TinyRuns implements AutoCloseable {

    private final Path dir;
    private final Path corpus;
    private final InlierRuntime runtime;

    TinyRuns(Path dir, int queueCapacity) throws IOException {
        this.dir = dir;
        this.corpus = text(dir);
        this.runtime = InlierRuntime.start(org.inlier.runtime.plugins.PluginDiscovery.discover(null), dir.resolve("runs"),
                dir.resolve("cache"), queueCapacity);
    }

    /** A run request for a one-layer model training {@code steps} steps, checkpointing every {@code checkpointEvery}. */
    JsonObject training(int steps, int checkpointEvery) {
        return new JsonObject().put("name", "tiny.yaml").put("text", """
                model: { family: decoder-clm, layers: 1, hidden: 16, heads: 2, ffn: 32, seq: 8 }
                data: { set: text-file, path: "%s" }
                backend: { id: nd4j-cpu, threads: 1 }
                stages: [ { train: { steps: %d, batch: 2, warmup: 0, checkpoint_every: %d, log_every: 1 } } ]
                """.formatted(corpus.toAbsolutePath(), steps, checkpointEvery));
    }

    /** A run request for the one-layer model on {@code data} (a block's contents) with these stages (a YAML list). */
    JsonObject pipeline(String data, String stages) {
        return new JsonObject().put("name", "tiny.yaml").put("text", """
                model: { family: decoder-clm, layers: 1, hidden: 16, heads: 2, ffn: 32, seq: 8 }
                data: { %s }
                backend: { id: nd4j-cpu, threads: 1 }
                stages: %s
                """.formatted(data, stages));
    }

    /** The data block of the generated corpus. */
    String corpusData() {
        return "set: text-file, path: \"" + corpus.toAbsolutePath() + "\"";
    }

    InlierRuntime runtime() {
        return runtime;
    }

    /** The runtime's Vert.x, for interceptors. */
    io.vertx.core.Vertx vertx() {
        return runtime.vertx();
    }

    /** Sends a request; the future fails with the bus's reply exception on a typed failure. */
    Future<JsonObject> request(String address, JsonObject body) {
        return runtime.vertx().eventBus().<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(60_000))
                .map(Message::body);
    }

    /** Sends a request and waits for its reply. */
    JsonObject ask(String address, JsonObject body) {
        return request(address, body).await();
    }

    /** The state {@value Addresses#RUNS_STATUS} reports for a run. */
    String state(String runId) {
        return ask(Addresses.RUNS_STATUS, new JsonObject().put("runId", runId)).getString("state");
    }

    Path runDir(String runId) {
        return dir.resolve("runs").resolve(runId);
    }

    private static Path text(Path dir) throws IOException {
        String[] words = {"the cat", "a dog", "sees", "likes", "the ball", "a red house", "the river"};
        Random random = new Random(3);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            text.append(words[random.nextInt(words.length)]).append(' ').append(words[random.nextInt(words.length)]).append(".\n");
        }
        return Files.writeString(dir.resolve("corpus.txt"), text);
    }

    @Override
    public void close() {
        runtime.close();
    }
}
