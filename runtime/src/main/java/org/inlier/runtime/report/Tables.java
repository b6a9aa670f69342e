package org.inlier.runtime.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Renders rows of named values as Markdown, HTML or plain-text tables, with numbers formatted once. */
public final class Tables {

    private Tables() {
    }

    /** A Markdown table with one column per key seen in any row. */
    public static String markdown(List<Map<String, Object>> rows) {
        List<String> columns = columns(rows);
        StringBuilder md = new StringBuilder("| " + String.join(" | ", columns) + " |\n|");
        columns.forEach(c -> md.append("---|"));
        md.append('\n');
        for (Map<String, Object> row : rows) {
            md.append("| ");
            for (String c : columns) {
                md.append(format(row.get(c)).replace("|", "\\|")).append(" | ");
            }
            md.setLength(md.length() - 1);
            md.append('\n');
        }
        return md.toString();
    }

    /** An HTML table with one column per key seen in any row; cells escaped. */
    public static String html(List<Map<String, Object>> rows) {
        List<String> columns = columns(rows);
        StringBuilder html = new StringBuilder("<table>\n<tr>");
        columns.forEach(c -> html.append("<th>").append(escapeHtml(c)).append("</th>"));
        html.append("</tr>\n");
        for (Map<String, Object> row : rows) {
            html.append("<tr>");
            columns.forEach(c -> html.append("<td>").append(escapeHtml(format(row.get(c)))).append("</td>"));
            html.append("</tr>\n");
        }
        return html.append("</table>\n").toString();
    }

    /** Text made safe inside HTML elements and attribute values. */
    static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A plain-text table with aligned columns, for the console. */
    public static String text(List<Map<String, Object>> rows) {
        List<String> columns = columns(rows);
        int[] widths = new int[columns.size()];
        List<List<String>> cells = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            List<String> line = new ArrayList<>();
            for (String c : columns) {
                line.add(format(row.get(c)));
            }
            cells.add(line);
        }
        for (int i = 0; i < columns.size(); i++) {
            widths[i] = columns.get(i).length();
            for (List<String> line : cells) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendLine(out, columns, widths);
        for (int i = 0; i < columns.size(); i++) {
            out.append("-".repeat(widths[i])).append(i + 1 < columns.size() ? "  " : "\n");
        }
        cells.forEach(line -> appendLine(out, line, widths));
        return out.toString();
    }

    /** Lists longer than this (an image's pixels) are only counted in tables; {@code report.json} keeps them whole. */
    static final int LIST_SHOWN = 8;

    /** Numbers with four significant digits (integers as they are); short lists item by item; everything else as text. */
    public static String format(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof List<?> list) {
            return list.size() > LIST_SHOWN ? list.size() + " values (in report.json)"
                    : String.join(", ", list.stream().map(Tables::format).toList());
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return String.valueOf(d);
            }
            return Math.abs(d) >= 1e5 || (Math.abs(d) < 1e-3 && d != 0) ? String.format(Locale.ROOT, "%.3e", d)
                    : String.format(Locale.ROOT, "%.4g", d);
        }
        return String.valueOf(value);
    }

    private static void appendLine(StringBuilder out, List<String> cells, int[] widths) {
        for (int i = 0; i < cells.size(); i++) {
            out.append(String.format(Locale.ROOT, "%-" + widths[i] + "s", cells.get(i))).append(i + 1 < cells.size() ? "  " : "\n");
        }
    }

    private static List<String> columns(List<Map<String, Object>> rows) {
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(r -> columns.addAll(r.keySet()));
        return new ArrayList<>(columns);
    }
}
