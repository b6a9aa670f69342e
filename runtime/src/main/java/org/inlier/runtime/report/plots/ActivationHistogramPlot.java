package org.inlier.runtime.report.plots;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.inlier.runtime.report.Sections;
import org.inlier.runtime.report.Tables;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The activation distribution at the worst site on a log scale, with each precision's clipping
 * range drawn on it: one value of 700 stretches the grid so far that every ordinary value
 * rounds to zero.
 */
final class ActivationHistogramPlot implements ChartPlot {

    @Override
    public String file() {
        return "activation-histogram.png";
    }

    @Override
    public String title() {
        return "Activation distribution at the worst site";
    }

    @Override
    public List<String> sections() {
        return List.of(Sections.ACTIVATION_HISTOGRAM, Sections.QUANTIZATION_GRID);
    }

    @Override
    public Optional<Chart<?, ?>> draw(List<ReportSeries> series) {
        Optional<ReportSeries> run = series.stream().filter(s -> s.sections().has(Sections.ACTIVATION_HISTOGRAM)).findFirst();
        if (run.isEmpty()) {
            return Optional.empty();
        }
        List<Map<String, Object>> bins = run.get().sections().rows(Sections.ACTIVATION_HISTOGRAM);
        String site = Sections.text(bins.get(0), "site");
        double[] x = bins.stream().mapToDouble(b -> (Sections.number(b, "lower") + Sections.number(b, "upper")) / 2).toArray();
        // Empty bins have no place on a log axis; they are gaps.
        double[] y = bins.stream().mapToDouble(b -> Sections.number(b, "count")).map(c -> c > 0 ? c : Double.NaN).toArray();
        double top = Arrays.stream(y).filter(Double::isFinite).max().orElse(1);
        XYChart chart = ChartStyle.lines(title() + ": " + site, "activation value", "count");
        chart.getStyler().setYAxisLogarithmic(true);
        chart.addSeries("histogram", x, y).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        for (Map<String, Object> grid : run.get().sections().rows(Sections.QUANTIZATION_GRID)) {
            double lo = Sections.number(grid, "clip_min");
            double hi = Sections.number(grid, "clip_max");
            double step = (hi - lo) / Math.max(1, Sections.number(grid, "levels") - 1);
            XYSeries range = chart.addSeries(Sections.text(grid, "precision") + " range [" + Tables.format(lo) + ", " + Tables.format(hi)
                    + "], step " + Tables.format(step), new double[] {lo, lo, Double.NaN, hi, hi}, new double[] {1, top, Double.NaN, 1, top});
            range.setMarker(SeriesMarkers.NONE);
        }
        return Optional.of(chart);
    }
}
