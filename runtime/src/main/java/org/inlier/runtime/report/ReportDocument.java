package org.inlier.runtime.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.inlier.runtime.report.plots.Figure;
import org.inlier.runtime.report.plots.FigureRenderer;

/**
 * What a report shows, in order: a title, one introductory line, the plots, then every section
 * as a table. Rendered as {@code report.md} here and as {@code report.html} by {@link HtmlReport}.
 *
 * @param title    the heading
 * @param intro    one line of Markdown (inline code only) saying what was run
 * @param figures  the plots drawn and the ones skipped
 * @param sections section name to a list of rows or a map of values
 */
public record ReportDocument(String title, String intro, FigureRenderer.Figures figures, Map<String, Object> sections) {

    /** Where a report keeps its PNGs, relative to the report. */
    public static final String PLOTS = "plots";

    /** The report as Markdown, with the plots linked from {@value #PLOTS}/. */
    public String markdown() {
        List<String> blocks = new ArrayList<>(List.of("# " + title, intro, "## plots"));
        for (Figure f : figures.drawn()) {
            blocks.add("![" + f.title() + "](" + PLOTS + "/" + f.file() + ")");
        }
        if (!figures.skipped().isEmpty()) {
            blocks.add(notPlotted());
        }
        for (Map.Entry<String, Object> section : sections.entrySet()) {
            blocks.add("## " + section.getKey());
            blocks.add(Tables.markdown(rows(section.getValue())).stripTrailing());
        }
        return String.join("\n\n", blocks) + "\n";
    }

    /** One sentence naming the plots left out and why. */
    public String notPlotted() {
        return "Not plotted: " + figures.skipped().stream().map(s -> s.title() + " (" + s.reason() + ")").collect(Collectors.joining(", ")) + ".";
    }

    /** A section as table rows: a table as it is, a map of values as one row. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> rows(Object section) {
        return section instanceof List<?> rows ? (List<Map<String, Object>>) rows : List.of((Map<String, Object>) section);
    }
}
