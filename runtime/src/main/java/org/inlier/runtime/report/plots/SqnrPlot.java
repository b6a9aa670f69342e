package org.inlier.runtime.report.plots;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.inlier.runtime.report.Sections;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.internal.chartpart.Chart;

/** The quantization error of one run per site, one bar per precision: where the grid hurts. */
final class SqnrPlot implements ChartPlot {

    @Override
    public String file() {
        return "per-site-sqnr.png";
    }

    @Override
    public String title() {
        return "Per-site SQNR";
    }

    @Override
    public List<String> sections() {
        return List.of(Sections.SQNR);
    }

    @Override
    public Optional<Chart<?, ?>> draw(List<ReportSeries> series) {
        Optional<ReportSeries> run = series.stream().filter(s -> s.sections().has(Sections.SQNR)).findFirst();
        if (run.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Map<String, Double>> byPrecision = new LinkedHashMap<>();
        List<String> sites = new ArrayList<>();
        for (Map<String, Object> row : run.get().sections().rows(Sections.SQNR)) {
            String site = Sections.text(row, "site");
            byPrecision.computeIfAbsent(Sections.text(row, "precision"), p -> new LinkedHashMap<>()).put(site, Sections.number(row, "sqnr_db"));
            if (!sites.contains(site)) {
                sites.add(site);
            }
        }
        CategoryChart chart = ChartStyle.bars(title() + " (higher is better)", "site", "SQNR (dB)");
        chart.getStyler().setXAxisLabelRotation(90);
        byPrecision.forEach((precision, values) -> chart.addSeries(precision, sites,
                sites.stream().map(site -> finiteOrNull(values.get(site))).toList()));
        return Optional.of(chart);
    }

    /** A site without a finite SQNR (not quantized at this precision, or exact) gets no bar. */
    private static Double finiteOrNull(Double v) {
        return v != null && Double.isFinite(v) ? v : null;
    }
}
