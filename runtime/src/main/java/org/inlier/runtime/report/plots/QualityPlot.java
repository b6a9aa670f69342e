package org.inlier.runtime.report.plots;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.inlier.runtime.report.BitWidths;
import org.inlier.runtime.report.Sections;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * The task's quality per precision, floating point first and then from the widest grid down; one
 * bar per series (method). The metric is the first the runs report of: a classifier's accuracy,
 * a language model's perplexity, or, for an encoder without a head, the cosine similarity of its
 * pooled embeddings to floating point's (quantized rows only: FP is 1 by definition).
 */
final class QualityPlot implements ChartPlot {

    /** A quality column of {@link Sections#QUALITY} and how to show it. */
    enum Metric {
        ACCURACY("accuracy", "accuracy (higher is better)"),
        PERPLEXITY("perplexity", "perplexity (lower is better)"),
        POOLED_COSINE("pooled_cosine", "cosine of pooled embeddings to FP (higher is better)");

        final String column;
        final String axis;

        Metric(String column, String axis) {
            this.column = column;
            this.axis = axis;
        }
    }

    /** Beyond this spread a linear axis flattens the good results to nothing (W4A4 of an outlier model is in the thousands). */
    private static final double LOG_AXIS_SPREAD = 20;

    @Override
    public String file() {
        return "quality-vs-bit-width.png";
    }

    @Override
    public String title() {
        return "Quality vs bit width";
    }

    @Override
    public List<String> sections() {
        return List.of(Sections.QUALITY);
    }

    /** The first metric, in {@link Metric}'s order, that any series reports a positive value of. */
    static Optional<Metric> metric(List<ReportSeries> series) {
        for (Metric metric : Metric.values()) {
            for (ReportSeries s : series) {
                if (!values(s, metric).isEmpty()) {
                    return Optional.of(metric);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<Chart<?, ?>> draw(List<ReportSeries> series) {
        Optional<Metric> chosen = metric(series);
        if (chosen.isEmpty()) {
            return Optional.empty();
        }
        Metric metric = chosen.get();
        Map<String, Map<String, Double>> perSeries = new LinkedHashMap<>();
        List<String> precisions = new ArrayList<>();
        for (ReportSeries s : series) {
            Map<String, Double> values = values(s, metric);
            if (!values.isEmpty()) {
                perSeries.put(s.label(), values);
                values.keySet().stream().filter(p -> !precisions.contains(p)).forEach(precisions::add);
            }
        }
        precisions.sort(BitWidths.WIDEST_FIRST);
        CategoryChart chart = ChartStyle.bars(title(), "precision", metric.axis);
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (Map.Entry<String, Map<String, Double>> e : perSeries.entrySet()) {
            List<Double> values = precisions.stream().map(p -> e.getValue().get(p)).toList();
            chart.addSeries(e.getKey(), precisions, values);
            for (Double v : values) {
                if (v != null) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (metric == Metric.ACCURACY) {
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setYAxisMax(1.0);
        } else if (metric == Metric.PERPLEXITY && max / min > LOG_AXIS_SPREAD) {
            chart.getStyler().setYAxisLogarithmic(true);
            // Bars start at the axis minimum, which a log axis cannot put at zero.
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
        }
        ChartStyle.legendIfSeveral(chart, perSeries.size());
        return Optional.of(chart);
    }

    /** A series' positive values of the metric by precision (the first row of each precision). */
    private static Map<String, Double> values(ReportSeries s, Metric metric) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Map<String, Object> row : s.sections().rows(Sections.QUALITY)) {
            double v = Sections.number(row, metric.column);
            if (Double.isFinite(v) && v > 0) {
                values.putIfAbsent(Sections.text(row, "precision"), v);
            }
        }
        return values;
    }
}
