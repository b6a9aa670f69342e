package org.inlier.runtime.report.plots;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.inlier.runtime.report.Sections;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * Attention mass each head parks on the first token (an image model's class token) and on
 * delimiters: the "no-op" heads behind the outliers. An image model has no delimiters; its bars
 * stand beside the mass uniform attention would give the class token.
 */
final class AttentionSinksPlot implements ChartPlot {

    @Override
    public String file() {
        return "attention-sinks.png";
    }

    @Override
    public String title() {
        return "Attention on the first (or class) token and on delimiter tokens per head";
    }

    @Override
    public List<String> sections() {
        return List.of(Sections.ATTENTION_SINKS);
    }

    @Override
    public Optional<Chart<?, ?>> draw(List<ReportSeries> series) {
        Optional<ReportSeries> run = series.stream().filter(s -> s.sections().has(Sections.ATTENTION_SINKS)).findFirst();
        if (run.isEmpty()) {
            return Optional.empty();
        }
        List<Map<String, Object>> rows = run.get().sections().rows(Sections.ATTENTION_SINKS);
        String first = rows.get(0).containsKey("first_token") ? Sections.text(rows.get(0), "first_token") : "first token";
        List<String> heads = new ArrayList<>();
        List<Double> firstMass = new ArrayList<>();
        List<Double> delimiters = new ArrayList<>();
        List<Double> uniform = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            heads.add(SiteLayer.of(Sections.text(row, "site")) + " head " + Sections.text(row, "head"));
            firstMass.add(Sections.number(row, "first_token_mass"));
            delimiters.add(Sections.number(row, "delimiter_mass"));
            uniform.add(Sections.number(row, "uniform_mass"));
        }
        CategoryChart chart = ChartStyle.bars("Attention on the " + first + (measured(delimiters) ? " and delimiter tokens" : "")
                + " per head", "head", "share of attention");
        chart.getStyler().setXAxisLabelRotation(heads.size() > 8 ? 90 : 0);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.addSeries(first, heads, firstMass);
        if (measured(delimiters)) {
            chart.addSeries("delimiter tokens", heads, delimiters);
        }
        if (measured(uniform)) {
            chart.addSeries("uniform attention's share", heads, uniform);
        }
        return Optional.of(chart);
    }

    /** Whether any row has the column (a missing value reads as NaN). */
    private static boolean measured(List<Double> column) {
        return column.stream().anyMatch(v -> !v.isNaN());
    }
}
