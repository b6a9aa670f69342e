package org.inlier.runtime.report.plots;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.inlier.runtime.report.Sections;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * A metric over training steps, from a table with a {@code step} column: one line per series;
 * for a single run a second metric on the right axis (the learning rate beside the loss).
 */
final class StepCurvePlot implements ChartPlot {

    private final String file;
    private final String title;
    private final String section;
    private final Metric left;
    private final Metric right;

    /** A column and its axis title. */
    record Metric(String key, String axisTitle) {
    }

    /**
     * @param right shown on a second axis when only one series has data
     */
    StepCurvePlot(String file, String title, String section, Metric left, Metric right) {
        this.file = file;
        this.title = title;
        this.section = section;
        this.left = left;
        this.right = right;
    }

    @Override
    public String file() {
        return file;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public List<String> sections() {
        return List.of(section);
    }

    @Override
    public Optional<Chart<?, ?>> draw(List<ReportSeries> series) {
        List<ReportSeries> withData = series.stream().filter(s -> s.sections().has(section)).toList();
        if (withData.isEmpty()) {
            return Optional.empty();
        }
        XYChart chart = ChartStyle.lines(title, "step", left.axisTitle());
        for (ReportSeries s : withData) {
            List<Map<String, Object>> rows = byStep(s.sections().rows(section));
            chart.addSeries(withData.size() == 1 ? left.axisTitle() : s.label(), column(rows, "step"), column(rows, left.key()));
        }
        if (withData.size() == 1) {
            List<Map<String, Object>> rows = byStep(withData.get(0).sections().rows(section));
            chart.addSeries(right.axisTitle(), column(rows, "step"), column(rows, right.key())).setYAxisGroup(1);
            chart.setYAxisGroupTitle(1, right.axisTitle());
            chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        }
        return Optional.of(chart);
    }

    /** Rows in step order: a resumed run appends its steps after the ones it resumed from. */
    private static List<Map<String, Object>> byStep(List<Map<String, Object>> rows) {
        List<Map<String, Object>> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingDouble(r -> Sections.number(r, "step")));
        return sorted;
    }

    private static double[] column(List<Map<String, Object>> rows, String key) {
        return rows.stream().mapToDouble(r -> Sections.number(r, key)).toArray();
    }
}
