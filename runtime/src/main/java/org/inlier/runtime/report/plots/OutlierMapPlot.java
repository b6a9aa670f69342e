package org.inlier.runtime.report.plots;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.inlier.runtime.report.Sections;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Where the outliers live: hidden dimension × layer, colored by the largest |x| seen there, from
 * the table of each site's top dimensions (whose token column says which tokens produce them).
 */
final class OutlierMapPlot implements ChartPlot {

    @Override
    public String file() {
        return "outlier-map.png";
    }

    @Override
    public String title() {
        return "Outlier map: hidden dimension × layer";
    }

    @Override
    public List<String> sections() {
        return List.of(Sections.OUTLIER_DIMENSIONS);
    }

    @Override
    public Optional<Chart<?, ?>> draw(List<ReportSeries> series) {
        Optional<ReportSeries> run = series.stream().filter(s -> s.sections().has(Sections.OUTLIER_DIMENSIONS)).findFirst();
        if (run.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Map<Integer, Double>> byLayer = new LinkedHashMap<>();
        TreeSet<Integer> dimensions = new TreeSet<>();
        for (Map<String, Object> row : run.get().sections().rows(Sections.OUTLIER_DIMENSIONS)) {
            int dimension = (int) Sections.number(row, "dimension");
            double maxAbs = Sections.number(row, "max_abs");
            byLayer.computeIfAbsent(SiteLayer.of(Sections.text(row, "site")), l -> new LinkedHashMap<>()).merge(dimension, maxAbs, Math::max);
            dimensions.add(dimension);
        }
        List<String> xs = dimensions.stream().map(String::valueOf).toList();
        List<String> ys = new ArrayList<>(byLayer.keySet());
        List<Number[]> heat = new ArrayList<>();
        double max = 0;
        for (int y = 0; y < ys.size(); y++) {
            for (Map.Entry<Integer, Double> cell : byLayer.get(ys.get(y)).entrySet()) {
                heat.add(new Number[] {xs.indexOf(String.valueOf(cell.getKey())), y, cell.getValue()});
                max = Math.max(max, cell.getValue());
            }
        }
        HeatMapChart chart = ChartStyle.heatMap(title() + " (max |x|)", "hidden dimension", "layer");
        chart.getStyler().setMin(0);
        chart.getStyler().setMax(max);
        chart.getStyler().setShowValue(true);
        chart.getStyler().setHeatMapValueDecimalPattern("#,##0.0");
        chart.addSeries("max |x|", xs, ys, heat);
        return Optional.of(chart);
    }
}
