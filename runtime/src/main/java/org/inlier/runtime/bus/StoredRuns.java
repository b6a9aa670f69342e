package org.inlier.runtime.bus;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.inlier.runtime.store.RunStore;

/**
 * The status of runs this runtime does not own, read back from their folders: the events say
 * how far a run got, the folder's {@link RunLock} whether a live process still owns it.
 */
final class StoredRuns {

    /** A file another process creates in a run folder to ask the run's owner to cancel it. */
    static final String CANCEL_REQUEST = "cancel-requested";

    private final RunStore store;

    StoredRuns(RunStore store) {
        this.store = store;
    }

    /**
     * The folder of a stored run.
     *
     * @throws RefusedRequest ({@link Failure#UNKNOWN_RUN}) if the store has no such run
     */
    Path dir(String runId) {
        Path dir = store.root().resolve(runId);
        if (!runId.matches("[A-Za-z0-9_.-]+") || runId.startsWith(".") || !isRun(dir)) {
            throw new RefusedRequest(Failure.UNKNOWN_RUN, "no run '" + runId + "' in " + store.root());
        }
        return dir;
    }

    /**
     * The status of one run.
     *
     * @throws RefusedRequest ({@link Failure#UNKNOWN_RUN}) if the store has no such run
     */
    JsonObject status(String runId) {
        return read(runId, dir(runId));
    }

    /** The statuses of every run in the store, oldest first (run ids start with their start time). */
    List<JsonObject> statuses() {
        if (!Files.isDirectory(store.root())) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(store.root())) {
            return dirs.filter(StoredRuns::isRun).map(d -> d.getFileName().toString()).filter(id -> !id.startsWith("."))
                    .sorted().map(id -> read(id, store.root().resolve(id))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list runs in " + store.root(), e);
        }
    }

    /** Asks the process that owns a run to cancel it; it looks for the request about once a second. */
    void requestCancel(String runId) {
        try {
            Files.writeString(dir(runId).resolve(CANCEL_REQUEST), "", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot ask for the cancellation of run " + runId, e);
        }
    }

    /** A run's folder has its events from the moment the run is accepted; other folders (a sweep's) are not runs. */
    private static boolean isRun(Path dir) {
        return Files.isRegularFile(dir.resolve(TrackedRun.EVENTS));
    }

    private static JsonObject read(String runId, Path dir) {
        RunProgress progress = new RunProgress();
        Path events = dir.resolve(TrackedRun.EVENTS);
        try (Stream<String> lines = Files.lines(events, StandardCharsets.UTF_8)) {
            lines.filter(line -> !line.isBlank()).map(StoredRuns::event).flatMap(Optional::stream).forEach(progress::accept);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + events, e);
        }
        return progress.status(runId, state(dir, progress), dir.toString());
    }

    private static RunState state(Path dir, RunProgress progress) {
        if (RunLock.isHeld(dir)) {
            return progress.started() && progress.finished().isEmpty() ? RunState.RUNNING : RunState.QUEUED;
        }
        return progress.finished().orElse(RunState.INTERRUPTED);
    }

    /** A line cut short by a crash is not an event. */
    private static Optional<JsonObject> event(String line) {
        try {
            return Optional.of(new JsonObject(line));
        } catch (DecodeException e) {
            return Optional.empty();
        }
    }
}
