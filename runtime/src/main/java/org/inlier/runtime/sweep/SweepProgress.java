package org.inlier.runtime.sweep;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.inlier.runtime.store.AtomicFiles;

/**
 * Which points of a sweep finished, kept in the sweep's {@code progress.json} and rewritten
 * atomically after every point, so a resumed sweep skips the finished ones.
 */
final class SweepProgress {

    static final String FILE = "progress.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * How one point ended.
     *
     * @param status    {@code done} or {@code failed}
     * @param trainedIn the point whose training it used (itself if it trained)
     * @param message   why it failed; {@code null} when done
     */
    record Outcome(String status, @JsonProperty("trained_in") String trainedIn, String message) {

        static final String DONE = "done";
        static final String FAILED = "failed";

        boolean done() {
            return DONE.equals(status);
        }
    }

    private final Path file;
    private final Map<String, Outcome> outcomes;

    private SweepProgress(Path file, Map<String, Outcome> outcomes) {
        this.file = file;
        this.outcomes = outcomes;
    }

    /** The progress of the sweep in a folder; empty for a new sweep. */
    static SweepProgress load(Path dir) {
        Path file = dir.resolve(FILE);
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        if (Files.exists(file)) {
            try {
                JSON.readTree(file.toFile()).fields().forEachRemaining(e -> outcomes.put(e.getKey(),
                        JSON.convertValue(e.getValue(), Outcome.class)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return new SweepProgress(file, outcomes);
    }

    /** How a point ended, if it ran. */
    Optional<Outcome> of(String pointId) {
        return Optional.ofNullable(outcomes.get(pointId));
    }

    /** Whether a point finished. */
    boolean isDone(String pointId) {
        return of(pointId).map(Outcome::done).orElse(false);
    }

    /** Records that a point finished. */
    void done(String pointId, String trainedIn) {
        record(pointId, new Outcome(Outcome.DONE, trainedIn, null));
    }

    /** Records that a point failed; a resumed sweep runs it again. */
    void failed(String pointId, String trainedIn, String message) {
        record(pointId, new Outcome(Outcome.FAILED, trainedIn, message));
    }

    private void record(String pointId, Outcome outcome) {
        outcomes.put(pointId, outcome);
        try {
            AtomicFiles.write(file, JSON.writeValueAsBytes(outcomes));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sweep progress is not serialisable", e);
        }
    }
}
