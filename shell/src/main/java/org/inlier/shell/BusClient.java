package org.inlier.shell;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.inlier.runtime.bus.Addresses;
import org.inlier.runtime.bus.Failure;
import org.inlier.runtime.bus.InlierRuntime;
import org.inlier.runtime.plugins.PluginProblem;

/**
 * The CLI's side of the event bus: starts an in-process runtime and sends it the same requests
 * the shell and remote clients send.
 */
final class BusClient implements AutoCloseable {

    /** Validation may load plugins' data; generous, since a reply always comes. */
    private static final long REQUEST_TIMEOUT_MS = 10 * 60_000L;

    private final InlierRuntime runtime;

    BusClient(RuntimeOptions options, PrintStream err) {
        this.runtime = InlierRuntime.start(options.plugins, options.runs, options.cache);
        for (PluginProblem problem : runtime.registry().problems()) {
            err.println("warning: plugin skipped: " + problem);
        }
    }

    /**
     * Sends a request and waits for the reply.
     *
     * @return the reply body
     * @throws BusFailure carrying the typed failure body
     */
    JsonObject request(String address, JsonObject body) {
        try {
            Message<JsonObject> reply = runtime.vertx().eventBus()
                    .<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MS)).await();
            return reply.body();
        } catch (RuntimeException e) {
            throw new BusFailure(Failure.describe(e));
        }
    }

    /**
     * Starts a run and calls {@code onEvent} for each of its events until it finishes.
     *
     * @return the {@code run.finished} event
     */
    JsonObject run(JsonObject request, String runId, Consumer<JsonObject> onEvent) {
        CompletableFuture<JsonObject> finished = new CompletableFuture<>();
        // Subscribe before asking, so no early event is missed.
        MessageConsumer<JsonObject> consumer = runtime.vertx().eventBus().consumer(Addresses.runEvents(runId), m -> {
            onEvent.accept(m.body());
            if ("run.finished".equals(m.body().getString("type"))) {
                finished.complete(m.body());
            }
        });
        consumer.completion().await();
        try {
            request(Addresses.PIPELINE_RUN, request.copy().put("runId", runId));
            return finished.join();
        } finally {
            consumer.unregister();
        }
    }

    @Override
    public void close() {
        runtime.close();
    }

    /** A typed failure reply, as the runtime sent it. */
    static final class BusFailure extends RuntimeException {
        private final JsonObject body;

        BusFailure(JsonObject body) {
            super(body.getString("message"));
            this.body = body;
        }

        JsonObject body() {
            return body;
        }
    }
}
