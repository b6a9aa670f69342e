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

/** Perplexity per precision, floating point first and then from the widest grid down; one bar per series (method). */
final class QualityPlot implements ReportPlot {

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

    @Override
    public Optional<Chart<?, ?>> draw(List<ReportSeries> series) {
        Map<String, Map<String, Double>> perSeries = new LinkedHashMap<>();
        List<String> precisions = new ArrayList<>();
        for (ReportSeries s : series) {
            Map<String, Double> perplexity = new LinkedHashMap<>();
            for (Map<String, Object> row : s.sections().rows(Sections.QUALITY)) {
                double p = Sections.number(row, "perplexity");
                if (Double.isFinite(p) && p > 0) {
                    perplexity.putIfAbsent(Sections.text(row, "precision"), p);
                }
            }
            if (!perplexity.isEmpty()) {
                perSeries.put(s.label(), perplexity);
                perplexity.keySet().stream().filter(p -> !precisions.contains(p)).forEach(precisions::add);
            }
        }
        if (perSeries.isEmpty()) {
            return Optional.empty();
        }
        precisions.sort(BitWidths.WIDEST_FIRST);
        CategoryChart chart = ChartStyle.bars(title(), "precision", "perplexity (lower is better)");
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
        if (max / min > LOG_AXIS_SPREAD) {
            chart.getStyler().setYAxisLogarithmic(true);
            // Bars start at the axis minimum, which a log axis cannot put at zero.
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
        }
        ChartStyle.legendIfSeveral(chart, perSeries.size());
        return Optional.of(chart);
    }
}
