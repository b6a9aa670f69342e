package org.inlier.runtime.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs that were not part of one sweep, side by side: the pipeline fields they differ in label
 * the rows, and the columns are those of a sweep's comparison, the best of each marked.
 */
public final class RunComparison {

    /** The label column naming each run. */
    public static final String RUN = "run";

    private final List<StoredReport> reports;
    private final Map<String, List<Object>> differences;

    /** @param reports the runs' reports, in the order to show them */
    public RunComparison(List<StoredReport> reports) {
        this.reports = List.copyOf(reports);
        this.differences = differences(reports);
    }

    /** The pipeline fields whose values differ between the runs, as dotted paths, with each run's value (or null). */
    public Map<String, List<Object>> differences() {
        return differences;
    }

    /** The comparison: one row per run, labelled by its id and the fields that differ. */
    public Comparison comparison() {
        List<Comparison.Row> rows = new ArrayList<>();
        for (int i = 0; i < reports.size(); i++) {
            Map<String, Object> label = new LinkedHashMap<>();
            label.put(RUN, reports.get(i).id());
            for (Map.Entry<String, List<Object>> d : differences.entrySet()) {
                label.put(d.getKey(), d.getValue().get(i));
            }
            rows.add(new Comparison.Row(label, List.of(RunSummary.of(reports.get(i).sections()))));
        }
        return new Comparison(rows);
    }

    /** The table for the console, the best value of each column starred, with a line saying what differs. */
    public String text() {
        String differ = differences.isEmpty() ? "The runs' pipelines are identical."
                : "The runs' pipelines differ in: " + String.join(", ", differences.keySet()) + ".";
        return differ + "\n\n" + Tables.text(comparison().marked(cell -> cell + " *")) + "* best (lowest) in its column\n";
    }

    private static Map<String, List<Object>> differences(List<StoredReport> reports) {
        List<Map<String, Object>> flat = reports.stream().map(r -> flatten(r.pipeline())).toList();
        Set<String> keys = new LinkedHashSet<>();
        flat.forEach(f -> keys.addAll(f.keySet()));
        Map<String, List<Object>> differences = new LinkedHashMap<>();
        for (String key : keys) {
            List<Object> values = flat.stream().map(f -> f.get(key)).toList();
            if (values.stream().anyMatch(v -> !Objects.equals(v, values.get(0)))) {
                differences.put(key, new ArrayList<>(values));
            }
        }
        return differences;
    }

    /** A resolved pipeline as dotted paths ({@code attention.variant}, {@code stages[2].quantize.activations.bits}) to values. */
    private static Map<String, Object> flatten(Map<String, Object> pipeline) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", pipeline, flat);
        return flat;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object value, Map<String, Object> out) {
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            ((Map<String, Object>) map).forEach((k, v) -> flatten(prefix + k + ".", v, out));
        } else if (value instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(e -> e instanceof Map)) {
            for (int i = 0; i < list.size(); i++) {
                flatten(prefix.substring(0, prefix.length() - 1) + "[" + i + "].", list.get(i), out);
            }
        } else {
            out.put(prefix.substring(0, prefix.length() - 1), value);
        }
    }
}
