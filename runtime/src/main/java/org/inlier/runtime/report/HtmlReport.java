package org.inlier.runtime.report;

import java.util.Base64;
import java.util.Map;
import org.inlier.runtime.report.plots.Figure;

/** A report as one self-contained HTML page: the plots are embedded as data URIs, so the file can be shared alone. */
public final class HtmlReport {

    private static final String STYLE = "body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}"
            + "img{max-width:100%}figure{margin:1em 0}figcaption{color:#555}"
            + "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}"
            + "th{background:#f3f3f3}code{background:#f3f3f3;padding:0 .2em}";

    private HtmlReport() {
    }

    /** The page. */
    public static String render(ReportDocument doc) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(Tables.escapeHtml(doc.title())).append("</title><style>").append(STYLE).append("</style></head><body>\n")
                .append("<h1>").append(Tables.escapeHtml(doc.title())).append("</h1>\n")
                .append("<p>").append(inline(doc.intro())).append("</p>\n<h2>plots</h2>\n");
        for (Figure f : doc.figures().drawn()) {
            html.append("<figure><img alt=\"").append(Tables.escapeHtml(f.title())).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(f.png())).append("\"><figcaption>")
                    .append(Tables.escapeHtml(f.title())).append("</figcaption></figure>\n");
        }
        if (!doc.figures().skipped().isEmpty()) {
            html.append("<p>").append(Tables.escapeHtml(doc.notPlotted())).append("</p>\n");
        }
        for (Map.Entry<String, Object> section : doc.sections().entrySet()) {
            html.append("<h2>").append(Tables.escapeHtml(section.getKey())).append("</h2>\n")
                    .append(Tables.html(ReportDocument.rows(section.getValue())));
        }
        return html.append("</body></html>\n").toString();
    }

    /** The intro's only Markdown is inline code. */
    private static String inline(String markdown) {
        return Tables.escapeHtml(markdown).replaceAll("`([^`]+)`", "<code>$1</code>");
    }
}
