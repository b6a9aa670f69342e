package org.inlier.runtime.bus;

import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * What a run's events say so far: the stage it is in, its latest progress (step, steps, ETA)
 * and how it finished. The same fold serves a live run and a run read back from its
 * {@code events.jsonl}; a {@code run.started} event (a resume) starts the fold afresh.
 */
final class RunProgress {

    private boolean started;
    private String stage;
    private JsonObject progress;
    private RunState finished;
    private String message;

    /** Takes one event ({@code type}, {@code data}) into account. */
    synchronized void accept(JsonObject event) {
        JsonObject data = event.getJsonObject("data", new JsonObject());
        switch (event.getString("type", "")) {
            case "run.started" -> {
                started = true;
                stage = null;
                progress = null;
                finished = null;
                message = null;
            }
            case "stage.started" -> {
                stage = data.getString("stage");
                progress = null;
            }
            case "progress" -> progress = data;
            case "run.finished" -> {
                finished = RunState.of(data.getString("status"));
                message = data.getString("message");
            }
            default -> {
            }
        }
    }

    /** Whether a {@code run.started} event came (runs written before that event existed have none). */
    synchronized boolean started() {
        return started;
    }

    /** How the run finished, if it did. */
    synchronized Optional<RunState> finished() {
        return Optional.ofNullable(finished);
    }

    /**
     * The status as {@value Addresses#RUNS_STATUS} replies it.
     *
     * @param runId the run
     * @param state its state, decided by whoever knows whether it is still active
     * @param dir   its folder
     */
    synchronized JsonObject status(String runId, RunState state, String dir) {
        JsonObject status = new JsonObject().put("runId", runId).put("state", state.label()).put("dir", dir);
        if (stage != null) {
            status.put("stage", stage);
        }
        if (progress != null) {
            status.put("progress", progress.copy());
        }
        if (message != null) {
            status.put("message", message);
        }
        return status;
    }
}
