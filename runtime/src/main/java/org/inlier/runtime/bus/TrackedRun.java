package org.inlier.runtime.bus;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.inlier.runtime.config.PipelineConfig;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.stages.RunContext;

/**
 * A run this runtime accepted and has not finished: its context, its event sink, the lock on
 * its folder and what its events said so far.
 */
final class TrackedRun {

    /** The events file of every run folder. */
    static final String EVENTS = "events.jsonl";

    private final RunContext context;
    private final BusRunEvents events;
    private final RunLock lock;
    private final boolean resumed;
    private final RunProgress progress = new RunProgress();
    private volatile RunState state = RunState.QUEUED;

    /**
     * @param lock    the run folder's lock, held until the run finishes (released here if the run cannot be set up)
     * @param resumed whether the run continues an earlier one in the same folder
     */
    TrackedRun(String runId, Path dir, Path cacheDir, PipelineConfig config, PluginRegistry registry, EventBus bus,
               RunLock lock, boolean resumed) {
        this.lock = lock;
        this.resumed = resumed;
        try {
            this.events = new BusRunEvents(bus, runId, dir.resolve(EVENTS), progress::accept);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        this.context = new RunContext(runId, dir, cacheDir, config, registry, events);
    }

    String id() {
        return context.runId();
    }

    Path dir() {
        return context.dir();
    }

    RunContext context() {
        return context;
    }

    /** Marks the run as executing: it has left the queue, and its worker is about to take it. */
    void markRunning() {
        state = RunState.RUNNING;
    }

    /** Says in its events that the run has started executing. */
    void start() {
        markRunning();
        events.emit("run.started", Map.of("resumed", resumed));
    }

    /**
     * Ends the run: emits {@code run.finished}, closes its events and releases its folder.
     *
     * @param end     done, failed or cancelled
     * @param message why it failed, or {@code null}
     */
    void finish(RunState end, String message) {
        Map<String, Object> finished = new LinkedHashMap<>();
        finished.put("status", end.label());
        finished.put("dir", dir().toString());
        if (message != null) {
            finished.put("message", message);
        }
        finished.put("sections", context.report().sections());
        state = end;
        try (lock; events) {
            events.emit("run.finished", finished);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the events of run " + id(), e);
        }
    }

    /** The run's status as {@value Addresses#RUNS_STATUS} replies it. */
    JsonObject status() {
        return progress.status(id(), state, dir().toString());
    }
}
