package org.inlier.runtime.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The papers' comparison table: one row per configuration, one column per metric of
 * {@link RunSummary}, a single value or mean ± std when a configuration was run with several
 * seeds, and the best value of each column marked (the lowest; the highest accuracy).
 */
public final class Comparison {

    /** Column giving how many seeds a row averages, present when any row has more than one. */
    public static final String SEEDS = "seeds";

    /**
     * One configuration.
     *
     * @param label   the columns naming it (e.g. {@code attention.variant: clipped-softmax}), in order
     * @param samples its metrics per seed or run, as {@link RunSummary#of} gives them
     */
    public record Row(Map<String, Object> label, List<Map<String, Double>> samples) {
    }

    private final List<Row> rows;
    private final List<String> metrics;

    /** @param rows the configurations, in the order to show them */
    public Comparison(List<Row> rows) {
        this.rows = List.copyOf(rows);
        TreeSet<String> columns = new TreeSet<>(RunSummary.COLUMN_ORDER);
        rows.forEach(r -> r.samples().forEach(s -> columns.addAll(s.keySet())));
        this.metrics = List.copyOf(columns);
    }

    /** The metric columns, in the papers' order. */
    public List<String> metrics() {
        return metrics;
    }

    /**
     * The table: label columns, {@value #SEEDS} when repeated, then each metric as a number (one
     * sample) or a {@link MeanStd} (several); a metric a row never measured is absent.
     */
    public List<Map<String, Object>> table() {
        boolean repeated = rows.stream().anyMatch(r -> r.samples().size() > 1);
        List<Map<String, Object>> table = new ArrayList<>();
        for (Row row : rows) {
            Map<String, Object> cells = new LinkedHashMap<>(row.label());
            if (repeated) {
                cells.put(SEEDS, row.samples().size());
            }
            for (String metric : metrics) {
                List<Double> values = values(row, metric);
                if (!values.isEmpty()) {
                    cells.put(metric, values.size() == 1 && !repeated ? values.get(0) : MeanStd.of(values));
                }
            }
            table.add(cells);
        }
        return table;
    }

    /**
     * For each metric, the indices of the rows with the lowest (mean) value, or the highest for
     * accuracy; a metric that fewer
     * than two rows measured, or on which all rows tie, has no best.
     */
    public Map<String, Set<Integer>> best() {
        Map<String, Set<Integer>> best = new LinkedHashMap<>();
        for (String metric : metrics) {
            Map<Integer, Double> means = new LinkedHashMap<>();
            for (int i = 0; i < rows.size(); i++) {
                List<Double> values = values(rows.get(i), metric);
                if (!values.isEmpty()) {
                    means.put(i, MeanStd.of(values).mean());
                }
            }
            double top = RunSummary.higherIsBetter(metric)
                    ? means.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)
                    : means.values().stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
            Set<Integer> bestRows = new TreeSet<>();
            means.forEach((row, mean) -> {
                if (mean == top) {
                    bestRows.add(row);
                }
            });
            if (means.size() >= 2 && bestRows.size() < means.size()) {
                best.put(metric, bestRows);
            }
        }
        return best;
    }

    /**
     * The table as text cells, formatted by {@link Tables#format}, with the best value of each
     * metric passed through {@code mark} (bold in Markdown, a star on the console).
     */
    public List<Map<String, Object>> marked(UnaryOperator<String> mark) {
        List<Map<String, Object>> table = table();
        Map<String, Set<Integer>> best = best();
        List<Map<String, Object>> marked = new ArrayList<>();
        for (int i = 0; i < table.size(); i++) {
            Map<String, Object> cells = new LinkedHashMap<>();
            for (Map.Entry<String, Object> cell : table.get(i).entrySet()) {
                String text = Tables.format(cell.getValue());
                cells.put(cell.getKey(), best.getOrDefault(cell.getKey(), Set.of()).contains(i) ? mark.apply(text) : text);
            }
            marked.add(cells);
        }
        return marked;
    }

    /** A row's finite values of a metric over its samples. */
    private static List<Double> values(Row row, String metric) {
        List<Double> values = new ArrayList<>();
        for (Map<String, Double> sample : row.samples()) {
            Double v = sample.get(metric);
            if (v != null && Double.isFinite(v)) {
                values.add(v);
            }
        }
        return values;
    }
}
