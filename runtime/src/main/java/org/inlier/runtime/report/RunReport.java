package org.inlier.runtime.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inlier.runtime.config.PipelineConfig;
import org.inlier.runtime.store.AtomicFiles;

/**
 * What a run found, section by section, written as {@code report.json} (versioned schema) and
 * {@code report.md}. Both come from the same data, so their numbers always agree.
 *
 * <p>A section is either a map of named values or a table (a list of rows with the same keys).
 */
public final class RunReport {

    /** Version of the {@code report.json} layout; bump it when a field changes meaning. */
    public static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String runId;
    private final PipelineConfig config;
    private final Map<String, Object> sections = new LinkedHashMap<>();

    /**
     * @param runId  the run's id
     * @param config the run's pipeline
     */
    public RunReport(String runId, PipelineConfig config) {
        this.runId = runId;
        this.config = config;
    }

    /** Sets a section of named values (replacing an earlier one of the same name). */
    public synchronized void values(String section, Map<String, Object> values) {
        sections.put(section, new LinkedHashMap<>(values));
    }

    /** Appends a row to a table section. */
    @SuppressWarnings("unchecked")
    public synchronized void row(String section, Map<String, Object> row) {
        ((List<Map<String, Object>>) sections.computeIfAbsent(section, k -> new ArrayList<>())).add(new LinkedHashMap<>(row));
    }

    /** The sections so far. */
    public synchronized Map<String, Object> sections() {
        return new LinkedHashMap<>(sections);
    }

    /** Writes {@code report.json} and {@code report.md} into a run folder, atomically. */
    public synchronized void write(Path dir) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schema", SCHEMA_VERSION);
        json.put("run", runId);
        json.put("written", Instant.now().toString());
        json.put("pipeline", config.resolved());
        json.put("sections", sections);
        try {
            AtomicFiles.write(dir.resolve("report.json"), JSON.writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report is not serialisable", e);
        }
        AtomicFiles.writeString(dir.resolve("report.md"), markdown());
    }

    /** The report as Markdown. */
    @SuppressWarnings("unchecked")
    public synchronized String markdown() {
        StringBuilder md = new StringBuilder("# Run " + runId + "\n\nPipeline `" + config.name() + "`: model `" + config.model().id()
                + "`, data `" + config.data().id() + "`, attention `" + config.attention().id() + "`, backend `"
                + config.backend().id() + "`, seed " + config.seed() + ".\n");
        for (Map.Entry<String, Object> section : sections.entrySet()) {
            md.append("\n## ").append(section.getKey()).append("\n\n");
            if (section.getValue() instanceof List<?> rows) {
                md.append(Tables.markdown((List<Map<String, Object>>) rows));
            } else {
                md.append(Tables.markdown(List.of((Map<String, Object>) section.getValue())));
            }
        }
        return md.toString();
    }
}
