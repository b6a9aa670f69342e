package org.inlier.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** Checks every report must pass, shared by the report and sweep tests. */
public final class ReportChecks {

    /** Smaller than any real plot with axes, labels and data (an empty 960×540 PNG is ~5 KB). */
    public static final long MIN_PNG_BYTES = 10_000;

    private ReportChecks() {
    }

    /** The report.json of a folder as a map. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> json(Path dir) throws IOException {
        return new ObjectMapper().readValue(dir.resolve("report.json").toFile(), LinkedHashMap.class);
    }

    /**
     * Every figure listed in report.json is a PNG of non-trivial size that ImageIO reads, is linked
     * from report.md and embedded in report.html.
     *
     * @return the figures' files, relative to the folder
     */
    @SuppressWarnings("unchecked")
    public static List<String> figuresAreValidPngs(Path dir) throws IOException {
        List<String> files = new ArrayList<>();
        String md = Files.readString(dir.resolve("report.md"));
        String html = Files.readString(dir.resolve("report.html"));
        for (Map<String, Object> figure : (List<Map<String, Object>>) json(dir).get("figures")) {
            String file = (String) figure.get("file");
            Path png = dir.resolve(file);
            assertThat(png).exists();
            assertThat(Files.size(png)).as(file).isGreaterThan(MIN_PNG_BYTES);
            assertThat(ImageIO.read(png.toFile())).as(file).isNotNull();
            assertThat(md).contains("](" + file + ")");
            files.add(file);
        }
        assertThat(html.split("src=\"data:image/png;base64,", -1)).hasSize(files.size() + 1);
        return files;
    }

    /** Every table cell of report.md equals the same field of report.json, formatted once by {@link Tables#format}. */
    @SuppressWarnings("unchecked")
    public static void markdownNumbersEqualJson(Path dir) throws IOException {
        Map<String, Object> sections = (Map<String, Object>) json(dir).get("sections");
        Map<String, List<Map<String, String>>> tables = markdownTables(Files.readString(dir.resolve("report.md")));
        assertThat(tables.keySet()).containsAll(sections.keySet());
        for (Map.Entry<String, Object> section : sections.entrySet()) {
            List<Map<String, Object>> rows = ReportDocument.rows(section.getValue());
            List<Map<String, String>> table = tables.get(section.getKey());
            assertThat(table).as(section.getKey()).hasSameSizeAs(rows);
            for (int i = 0; i < rows.size(); i++) {
                for (Map.Entry<String, Object> cell : rows.get(i).entrySet()) {
                    assertThat(table.get(i).get(cell.getKey())).as(section.getKey() + " row " + i + " " + cell.getKey())
                            .isEqualTo(Tables.format(cell.getValue()));
                }
            }
        }
    }

    /** The tables of a Markdown report by section heading: each row as column name to cell text. */
    public static Map<String, List<Map<String, String>>> markdownTables(String md) {
        Map<String, List<Map<String, String>>> tables = new LinkedHashMap<>();
        String section = null;
        List<String> header = null;
        for (String line : md.split("\n")) {
            if (line.startsWith("## ")) {
                section = line.substring(3);
                header = null;
            } else if (line.startsWith("|") && section != null) {
                List<String> cells = cells(line);
                if (header == null) {
                    header = cells;
                    tables.put(section, new ArrayList<>());
                } else if (!line.startsWith("|---")) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (int c = 0; c < header.size(); c++) {
                        row.put(header.get(c), cells.get(c));
                    }
                    tables.get(section).add(row);
                }
            }
        }
        return tables;
    }

    /** Splits a Markdown table line on unescaped pipes. */
    private static List<String> cells(String line) {
        List<String> cells = new ArrayList<>();
        for (String cell : line.substring(1, line.length() - 1).split("(?<!\\\\)\\|", -1)) {
            cells.add(cell.strip().replace("\\|", "|"));
        }
        return cells;
    }
}
