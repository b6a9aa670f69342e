package org.inlier.runtime.bus;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Answers {@value Addresses#RUNS_STATUS} and {@value Addresses#RUNS_CANCEL}: runs this runtime
 * owns are answered from memory, every other run of the store from its folder.
 */
final class RunsVerticle extends VerticleBase {

    private final RunQueue queue;
    private final StoredRuns stored;

    RunsVerticle(RunQueue queue, StoredRuns stored) {
        this.queue = queue;
        this.stored = stored;
    }

    @Override
    public Future<?> start() {
        return Future.all(
                vertx.eventBus().<JsonObject>consumer(Addresses.RUNS_STATUS, this::status).completion(),
                vertx.eventBus().<JsonObject>consumer(Addresses.RUNS_CANCEL, this::cancel).completion());
    }

    private void status(Message<JsonObject> message) {
        String runId = message.body() == null ? null : message.body().getString("runId");
        vertx.executeBlocking(() -> runId == null ? new JsonObject().put("runs", all()) : one(runId), false)
                .onSuccess(message::reply)
                .onFailure(cause -> FailureReplies.fail(message, cause));
    }

    private JsonObject one(String runId) {
        return queue.status(runId).orElseGet(() -> stored.status(runId));
    }

    private JsonArray all() {
        Map<String, JsonObject> byId = new LinkedHashMap<>();
        stored.statuses().forEach(s -> byId.put(s.getString("runId"), s));
        queue.statuses().forEach(s -> byId.put(s.getString("runId"), s));
        return new JsonArray(byId.values().stream().sorted((a, b) -> a.getString("runId").compareTo(b.getString("runId"))).toList());
    }

    private void cancel(Message<JsonObject> message) {
        String runId = message.body() == null ? null : message.body().getString("runId");
        if (runId == null) {
            FailureReplies.fail(message, new IllegalArgumentException("a cancel request needs the 'runId' of a run"));
            return;
        }
        vertx.executeBlocking(() -> queue.cancel(runId).orElseGet(() -> cancelElsewhere(runId)), false)
                .onSuccess(message::reply)
                .onFailure(cause -> FailureReplies.fail(message, cause));
    }

    /** A run this runtime does not own: if a live process owns it, leave that process a request. */
    private JsonObject cancelElsewhere(String runId) {
        JsonObject status = stored.status(runId);
        if (RunState.of(status.getString("state")).isActive()) {
            stored.requestCancel(runId);
            status.put("cancelling", true);
        }
        return status;
    }
}
