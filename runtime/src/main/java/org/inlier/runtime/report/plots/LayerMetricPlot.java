package org.inlier.runtime.report.plots;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.inlier.runtime.report.Sections;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * An outlier metric per layer as bars, one bar group per layer and one bar per series (vanilla
 * vs variants in a sweep), from the per-site outlier table. When the rows say which sites are
 * the papers' headline sites (FFN and LayerNorm outputs), only those count.
 */
final class LayerMetricPlot implements ChartPlot {

    /** How a layer's sites combine into one bar. */
    enum Aggregate {
        MAX(values -> values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)),
        MEAN(values -> values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));

        private final ToDoubleFunction<List<Double>> function;

        Aggregate(ToDoubleFunction<List<Double>> function) {
            this.function = function;
        }
    }

    private final String file;
    private final String title;
    private final String key;
    private final Aggregate aggregate;
    private final String axisTitle;

    LayerMetricPlot(String file, String title, String key, Aggregate aggregate, String axisTitle) {
        this.file = file;
        this.title = title;
        this.key = key;
        this.aggregate = aggregate;
        this.axisTitle = axisTitle;
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
        return List.of(Sections.OUTLIERS_PER_SITE);
    }

    @Override
    public Optional<Chart<?, ?>> draw(List<ReportSeries> series) {
        Map<String, Map<String, Double>> perSeries = new LinkedHashMap<>();
        List<String> layers = new ArrayList<>();
        for (ReportSeries s : series) {
            Map<String, Double> perLayer = perLayer(s.sections().rows(Sections.OUTLIERS_PER_SITE));
            if (!perLayer.isEmpty()) {
                perSeries.put(s.label(), perLayer);
                perLayer.keySet().stream().filter(l -> !layers.contains(l)).forEach(layers::add);
            }
        }
        if (perSeries.isEmpty()) {
            return Optional.empty();
        }
        CategoryChart chart = ChartStyle.bars(title, "layer", axisTitle);
        perSeries.forEach((label, perLayer) -> chart.addSeries(label, layers,
                layers.stream().map(perLayer::get).toList()));
        ChartStyle.legendIfSeveral(chart, perSeries.size());
        return Optional.of(chart);
    }

    private Map<String, Double> perLayer(List<Map<String, Object>> rows) {
        boolean flagged = rows.stream().anyMatch(r -> r.containsKey("headline"));
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (Map<String, Object> row : rows) {
            double v = Sections.number(row, key);
            if ((!flagged || Boolean.TRUE.equals(row.get("headline"))) && Double.isFinite(v)) {
                values.computeIfAbsent(SiteLayer.of(Sections.text(row, "site")), l -> new ArrayList<>()).add(v);
            }
        }
        Map<String, Double> perLayer = new LinkedHashMap<>();
        values.forEach((layer, v) -> perLayer.put(layer, aggregate.function.applyAsDouble(v)));
        return perLayer;
    }
}
