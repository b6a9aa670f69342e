package org.inlier.runtime.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.inlier.runtime.report.plots.Figure;
import org.inlier.runtime.store.AtomicFiles;

/**
 * Writes a report into a folder, every file atomically: the plots under {@code plots/}, then
 * {@code report.json}, {@code report.md} and the self-contained {@code report.html}. The
 * Markdown and HTML are rendered from the same sections as the JSON, so their numbers agree.
 */
public final class ReportFolder {

    /** The machine-readable report. */
    public static final String JSON_FILE = "report.json";
    /** The report to read. */
    public static final String MARKDOWN_FILE = "report.md";
    /** The report to share: one file with the plots embedded. */
    public static final String HTML_FILE = "report.html";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportFolder() {
    }

    /**
     * Writes the report.
     *
     * @param dir  the run's (or sweep's) folder
     * @param json the JSON document without its figures; {@code figures} and {@code not_plotted} are added
     * @param doc  what report.md and report.html show
     */
    public static void write(Path dir, Map<String, Object> json, ReportDocument doc) {
        for (Figure f : doc.figures().drawn()) {
            AtomicFiles.write(dir.resolve(ReportDocument.PLOTS).resolve(f.file()), f.png());
        }
        Map<String, Object> full = new LinkedHashMap<>(json);
        full.put("figures", doc.figures().drawn().stream()
                .map(f -> Map.of("file", ReportDocument.PLOTS + "/" + f.file(), "title", f.title())).toList());
        full.put("not_plotted", doc.figures().skipped().stream()
                .map(s -> Map.of("title", s.title(), "reason", s.reason())).toList());
        try {
            AtomicFiles.write(dir.resolve(JSON_FILE), JSON.writeValueAsBytes(full));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report is not serialisable", e);
        }
        AtomicFiles.writeString(dir.resolve(MARKDOWN_FILE), doc.markdown());
        AtomicFiles.writeString(dir.resolve(HTML_FILE), HtmlReport.render(doc));
    }
}
