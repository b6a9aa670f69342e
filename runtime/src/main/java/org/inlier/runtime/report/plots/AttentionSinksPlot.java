package org.inlier.runtime.report.plots;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.inlier.runtime.report.Sections;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.internal.chartpart.Chart;

/** Attention mass each head parks on the first token and on delimiters: the "no-op" heads behind the outliers. */
final class AttentionSinksPlot implements ReportPlot {

    @Override
    public String file() {
        return "attention-sinks.png";
    }

    @Override
    public String title() {
        return "Attention on the first and delimiter tokens per head";
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
        List<String> heads = new ArrayList<>();
        List<Double> first = new ArrayList<>();
        List<Double> delimiters = new ArrayList<>();
        for (Map<String, Object> row : run.get().sections().rows(Sections.ATTENTION_SINKS)) {
            heads.add(SiteLayer.of(Sections.text(row, "site")) + " head " + Sections.text(row, "head"));
            first.add(Sections.number(row, "first_token_mass"));
            delimiters.add(Sections.number(row, "delimiter_mass"));
        }
        CategoryChart chart = ChartStyle.bars(title(), "head", "share of attention");
        chart.getStyler().setXAxisLabelRotation(heads.size() > 8 ? 90 : 0);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.addSeries("first token", heads, first);
        chart.addSeries("delimiter tokens", heads, delimiters);
        return Optional.of(chart);
    }
}
