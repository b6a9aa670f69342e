package org.inlier.runtime.bus;

import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.inlier.runtime.stages.RunContext;

/**
 * The runs this runtime has accepted and not finished: at most one running, and a line of at
 * most {@code capacity} waiting. A request that finds the line full is refused (busy) before any
 * work is done for it, so submissions never pile up.
 */
final class RunQueue {

    private final int capacity;
    private final Map<String, TrackedRun> active = new LinkedHashMap<>();
    private final Deque<TrackedRun> waiting = new ArrayDeque<>();
    private int reserved;
    private TrackedRun running;

    /** @param capacity how many runs may wait while one runs; at least 1 */
    RunQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity " + capacity + " must be at least 1");
        }
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** Holds a place in the line for a run being prepared; {@code false} if the line is full. */
    synchronized boolean reserve() {
        if (waiting.size() + reserved >= capacity) {
            return false;
        }
        reserved++;
        return true;
    }

    /** Gives back a place whose run could not be prepared. */
    synchronized void release() {
        reserved--;
    }

    /** Puts a prepared run into the place reserved for it. */
    synchronized void enqueue(TrackedRun run) {
        reserved--;
        waiting.add(run);
        active.put(run.id(), run);
    }

    /** The next run to execute, taken out of the line, or {@code null} if one is running or none waits. */
    synchronized TrackedRun startNext() {
        if (running != null || waiting.isEmpty()) {
            return null;
        }
        running = waiting.poll();
        // Running from the moment it leaves the line, so no status in between shows it queued without a place.
        running.markRunning();
        return running;
    }

    /** The context of the run executing now, if it has this id: the only run whose stages may be run. */
    synchronized Optional<RunContext> executing(String runId) {
        return running != null && running.id().equals(runId) ? Optional.of(running.context()) : Optional.empty();
    }

    /** Forgets a run that finished; its status is read from its folder from now on. */
    synchronized void finished(TrackedRun run) {
        if (running == run) {
            running = null;
        }
        active.remove(run.id());
    }

    /**
     * Asks a run to stop: a waiting run leaves the line and finishes as cancelled at once; the
     * running one stops at its next step boundary, keeping its last checkpoint.
     *
     * @return the run's status after the request, or empty if the run is not active here
     */
    Optional<JsonObject> cancel(String runId) {
        TrackedRun run;
        synchronized (this) {
            run = active.get(runId);
            if (run == null) {
                return Optional.empty();
            }
            if (!waiting.remove(run)) {
                run.context().cancel();
                return Optional.of(status(run).put("cancelling", true));
            }
            active.remove(runId);
        }
        run.finish(RunState.CANCELLED, null);
        return Optional.of(run.status());
    }

    /** The status of an active run, with its place in the line if it waits. */
    synchronized Optional<JsonObject> status(String runId) {
        return Optional.ofNullable(active.get(runId)).map(this::status);
    }

    /** The statuses of every active run. */
    synchronized List<JsonObject> statuses() {
        List<JsonObject> all = new ArrayList<>();
        active.values().forEach(run -> all.add(status(run)));
        return all;
    }

    /** Every active run (the ones whose folders may hold a cancel request from another process). */
    synchronized List<TrackedRun> activeRuns() {
        return List.copyOf(active.values());
    }

    private JsonObject status(TrackedRun run) {
        JsonObject status = run.status();
        int position = 0;
        for (TrackedRun w : waiting) {
            position++;
            if (w == run) {
                status.put("position", position);
            }
        }
        return status;
    }
}
