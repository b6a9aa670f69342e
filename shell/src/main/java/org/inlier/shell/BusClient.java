package org.inlier.shell;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.inlier.runtime.bus.Addresses;
import org.inlier.runtime.bus.Failure;
import org.inlier.runtime.bus.InlierRuntime;
import org.inlier.runtime.plugins.PluginProblem;

/**
 * A client of Inlier's event bus, sending the requests that the CLI, the Gogo shell and remote
 * clients send alike. The CLI starts a runtime for itself; the shell's commands talk to the
 * runtime already running in the OSGi framework.
 */
public final class BusClient implements AutoCloseable {

    /** Validation may load plugins' data; generous, since a reply always comes. */
    private static final long REQUEST_TIMEOUT_MS = 10 * 60_000L;

    private final Vertx vertx;
    private final InlierRuntime owned;

    private BusClient(Vertx vertx, InlierRuntime owned) {
        this.vertx = vertx;
        this.owned = owned;
    }

    /** Starts a runtime for this client alone, warning about plugins that could not be loaded; closing the client stops it. */
    static BusClient withOwnRuntime(RuntimeOptions options, PrintStream err) {
        InlierRuntime runtime = InlierRuntime.start(options.plugins, options.runs, options.cache);
        for (PluginProblem problem : runtime.registry().problems()) {
            err.println("warning: plugin skipped: " + problem);
        }
        return new BusClient(runtime.vertx(), runtime);
    }

    /**
     * A client of a runtime that runs in this process already; closing the client leaves it running.
     *
     * @param vertx the runtime's Vert.x instance
     */
    public static BusClient of(Vertx vertx) {
        return new BusClient(vertx, null);
    }

    /**
     * Sends a request and waits for the reply.
     *
     * @param address one of {@link Addresses}
     * @param body    the request
     * @return the reply body
     * @throws BusFailure carrying the typed failure body
     */
    public JsonObject request(String address, JsonObject body) {
        try {
            Message<JsonObject> reply = vertx.eventBus()
                    .<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(REQUEST_TIMEOUT_MS)).await();
            return reply.body();
        } catch (RuntimeException e) {
            throw new BusFailure(Failure.describe(e));
        }
    }

    /**
     * Submits a run and hands each of its events to {@code onEvent}, on the calling thread, until it finishes.
     *
     * @param request a {@value Addresses#PIPELINE_RUN} request
     * @param runId   the run's id (chosen by the caller, so that no early event is missed)
     * @param onEvent called with every event, {@code run.finished} included
     * @return the {@code run.finished} event
     * @throws BusFailure if the run is refused
     */
    public JsonObject run(JsonObject request, String runId, Consumer<JsonObject> onEvent) {
        BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
        // Subscribe before asking, so no early event is missed.
        MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.runEvents(runId), m -> events.add(m.body()));
        consumer.completion().await();
        try {
            request(Addresses.PIPELINE_RUN, request.copy().put("runId", runId));
            while (true) {
                JsonObject event = events.take();
                onEvent.accept(event);
                if ("run.finished".equals(event.getString("type"))) {
                    return event;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusFailure(new JsonObject().put("type", "interrupted").put("message", "stopped following run " + runId
                    + "; it goes on (see 'status " + runId + "')"));
        } finally {
            consumer.unregister();
        }
    }

    /** Stops the runtime if this client started it. */
    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        }
    }

    /** A typed failure reply, as the runtime sent it. */
    public static final class BusFailure extends RuntimeException {
        private final JsonObject body;

        BusFailure(JsonObject body) {
            super(body.getString("message"));
            this.body = body;
        }

        /** The failure's {@code type} (a {@link Failure} name in lower case, {@code bus} or {@code error}). */
        public String type() {
            return body.getString("type");
        }
    }
}
