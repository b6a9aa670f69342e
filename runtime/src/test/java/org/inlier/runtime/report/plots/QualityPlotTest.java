package org.inlier.runtime.report.plots;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.inlier.runtime.report.Sections;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;

class QualityPlotTest {

    private static ReportSeries series(String label, List<Map<String, Object>> quality) {
        return new ReportSeries(label, new Sections(Map.of(Sections.QUALITY, quality)));
    }

    private static CategoryChart draw(ReportSeries... series) {
        return (CategoryChart) new QualityPlot().draw(List.of(series)).orElseThrow();
    }

    private static List<Object> xs(CategoryChart chart, String series) {
        return List.copyOf(chart.getSeriesMap().get(series).getXData());
    }

    private static List<Double> ys(CategoryChart chart, String series) {
        return chart.getSeriesMap().get(series).getYData().stream().map(Number::doubleValue).toList();
    }

    @Test
    void aClassifierIsPlottedByAccuracyNotByTheExponentOfItsLoss() {
        CategoryChart chart = draw(
                series("vanilla", List.of(Map.of("precision", "FP32", "perplexity", 1.9, "accuracy", 0.81),
                        Map.of("precision", "W8A8", "perplexity", 1.95, "accuracy", 0.80))),
                series("gated", List.of(Map.of("precision", "W8A8", "perplexity", 1.8, "accuracy", 0.84),
                        Map.of("precision", "FP32", "perplexity", 1.8, "accuracy", 0.85))));

        assertThat(chart.getYAxisTitle()).isEqualTo("accuracy (higher is better)");
        assertThat(xs(chart, "vanilla")).containsExactly("FP32", "W8A8");
        assertThat(ys(chart, "vanilla")).containsExactly(0.81, 0.80);
        // Precisions in one order for every series, whatever order its rows came in.
        assertThat(ys(chart, "gated")).containsExactly(0.85, 0.84);
    }

    @Test
    void aLanguageModelIsPlottedByPerplexity() {
        CategoryChart chart = draw(series("clm", List.of(Map.of("precision", "FP32", "loss", 1.5, "perplexity", 4.48),
                Map.of("precision", "W6A6", "loss", 1.6, "perplexity", 4.95))));

        assertThat(chart.getYAxisTitle()).isEqualTo("perplexity (lower is better)");
        assertThat(ys(chart, "clm")).containsExactly(4.48, 4.95);
    }

    @Test
    void anEncoderWithoutAHeadIsPlottedByTheCosineOfItsQuantizedEmbeddings() {
        CategoryChart chart = draw(series("minilm", List.of(Map.of("precision", "FP32", "probe_accuracy", 0.3),
                Map.of("precision", "W8A8", "pooled_cosine", 0.88, "probe_accuracy", 0.28),
                Map.of("precision", "W4A4", "pooled_cosine", 0.21, "probe_accuracy", 0.1))));

        assertThat(chart.getYAxisTitle()).isEqualTo("cosine of pooled embeddings to FP (higher is better)");
        assertThat(xs(chart, "minilm")).containsExactly("W8A8", "W4A4");
        assertThat(ys(chart, "minilm")).containsExactly(0.88, 0.21);
    }

    @Test
    void withoutAnyQualityMetricThereIsNoPlot() {
        assertThat(new QualityPlot().draw(List.of(series("x", List.of(Map.of("precision", "FP32")))))).isEmpty();
    }
}
