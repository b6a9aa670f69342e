package org.inlier.runtime.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A report read back from a folder's {@code report.json}: what {@code inlier report},
 * {@code inlier compare} and a sweep's summary work from.
 *
 * @param dir  the run's folder
 * @param json the whole document
 */
public record StoredReport(Path dir, Map<String, Object> json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads a folder's report.
     *
     * @throws IllegalArgumentException if the folder has no report yet
     */
    @SuppressWarnings("unchecked")
    public static StoredReport read(Path dir) {
        Path file = dir.resolve(ReportFolder.JSON_FILE);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(dir.getFileName() + " has no report yet (no " + ReportFolder.JSON_FILE + " in " + dir + ")");
        }
        try {
            return new StoredReport(dir, JSON.readValue(file.toFile(), LinkedHashMap.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The folder's name: the run's (or sweep's) id. */
    public String id() {
        return dir.getFileName().toString();
    }

    /** The report's sections. */
    @SuppressWarnings("unchecked")
    public Sections sections() {
        return new Sections((Map<String, Object>) json.getOrDefault("sections", Map.of()));
    }

    /** The resolved pipeline the run ran; empty for a report without one. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> pipeline() {
        return (Map<String, Object>) json.getOrDefault("pipeline", Map.of());
    }
}
