package org.inlier.runtime.report;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inlier.runtime.config.PipelineConfig;
import org.inlier.runtime.report.plots.FigureRenderer;
import org.inlier.runtime.report.plots.ReportPlots;
import org.inlier.runtime.report.plots.ReportSeries;

/**
 * What a run found, section by section, written as {@code report.json} (versioned schema),
 * {@code report.md} with PNG plots under {@code plots/}, and a self-contained
 * {@code report.html}. All come from the same data, so their numbers always agree.
 *
 * <p>A section is either a map of named values or a table (a list of rows with the same keys);
 * {@link Sections} names the sections the stages write and the plots read.
 */
public final class RunReport {

    /**
     * Version of the {@code report.json} layout; bump it when a field changes meaning. Fields
     * added without changing the others' meaning ({@code figures}, {@code not_plotted}) keep it.
     */
    public static final int SCHEMA_VERSION = 1;

    private final String runId;
    private final PipelineConfig config;
    private final Map<String, Object> sections = new LinkedHashMap<>();
    private final FigureRenderer figures = new FigureRenderer();

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

    /**
     * Writes {@code report.json}, {@code report.md}, {@code report.html} and the plots into a run
     * folder, each file atomically. Plots whose sections did not change since the last write are
     * not redrawn.
     */
    public synchronized void write(Path dir) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schema", SCHEMA_VERSION);
        json.put("run", runId);
        json.put("written", Instant.now().toString());
        json.put("pipeline", config.resolved());
        json.put("sections", sections);
        ReportFolder.write(dir, json, document());
    }

    /** The report as Markdown, linking the plots a {@link #write} puts under {@code plots/}. */
    public synchronized String markdown() {
        return document().markdown();
    }

    private ReportDocument document() {
        FigureRenderer.Figures drawn = figures.render(ReportPlots.RUN,
                List.of(new ReportSeries(config.attention().id(), new Sections(sections))));
        String intro = "Pipeline `" + config.name() + "`: model `" + config.model().id() + "`, data `" + config.data().id()
                + "`, attention `" + config.attention().id() + "`, backend `" + config.backend().id() + "`, seed " + config.seed() + ".";
        return new ReportDocument("Run " + runId, intro, drawn, sections);
    }
}
