package org.inlier.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ComparisonTest {

    private static Comparison.Row row(String variant, List<Map<String, Double>> samples) {
        return new Comparison.Row(Map.of("attention.variant", variant), samples);
    }

    @Test
    void columnsFollowThePapersOrderWithTheWidestGridFirst() {
        Comparison c = new Comparison(List.of(row("vanilla", List.of(Map.of("W4A4 ppl", 30.0, "avg kurtosis", 3.0, "W8A8 ppl", 10.0,
                "FP32 ppl", 9.0, "max inf-norm", 40.0, "W6A6 ppl", 12.0)))));

        assertThat(c.metrics()).containsExactly("FP32 ppl", "max inf-norm", "avg kurtosis", "W8A8 ppl", "W6A6 ppl", "W4A4 ppl");
    }

    @Test
    void repeatedRowsShowMeanAndSampleStandardDeviation() {
        Comparison c = new Comparison(List.of(
                row("vanilla", List.of(Map.of("FP32 ppl", 9.0), Map.of("FP32 ppl", 11.0))),
                row("clipped-softmax", List.of(Map.of("FP32 ppl", 10.0)))));

        List<Map<String, Object>> table = c.table();

        assertThat(table.get(0)).containsEntry(Comparison.SEEDS, 2).containsEntry("FP32 ppl", new MeanStd(10.0, Math.sqrt(2), 2));
        assertThat(table.get(1)).containsEntry(Comparison.SEEDS, 1).containsEntry("FP32 ppl", new MeanStd(10.0, 0, 1));
        assertThat(c.marked(s -> "**" + s + "**").get(0).get("FP32 ppl")).isEqualTo("10.00 ± 1.414");
    }

    @Test
    void theLowestValueOfEachColumnIsBestAndTiesMarkNothing() {
        Comparison c = new Comparison(List.of(
                row("vanilla", List.of(Map.of("FP32 ppl", 9.0, "max inf-norm", 40.0, "avg kurtosis", 3.0))),
                row("clipped-softmax", List.of(Map.of("FP32 ppl", 9.5, "max inf-norm", 4.0, "avg kurtosis", 3.0)))));

        assertThat(c.best()).containsExactly(Map.entry("FP32 ppl", Set.of(0)), Map.entry("max inf-norm", Set.of(1)));
        assertThat(c.marked(s -> s + " *").get(1)).containsEntry("max inf-norm", "4.000 *").containsEntry("avg kurtosis", "3.000");
    }

    @Test
    void aClassifiersAccuracyFollowsThePapersOrderAndItsHighestValueIsBest() {
        Comparison c = new Comparison(List.of(
                row("vanilla", List.of(Map.of("W6A6 acc", 0.60, "max inf-norm", 40.0, "W8A8 acc", 0.80, "FP32 acc", 0.85))),
                row("gated-attention", List.of(Map.of("W6A6 acc", 0.82, "max inf-norm", 9.0, "W8A8 acc", 0.84, "FP32 acc", 0.85)))));

        assertThat(c.metrics()).containsExactly("FP32 acc", "max inf-norm", "W8A8 acc", "W6A6 acc");
        assertThat(c.best()).containsExactly(Map.entry("max inf-norm", Set.of(1)), Map.entry("W8A8 acc", Set.of(1)),
                Map.entry("W6A6 acc", Set.of(1)));
    }

    @Test
    void aQualityRowWithAccuracyGivesAnAccuracyColumnInsteadOfPerplexity() {
        Sections sections = new Sections(Map.of(Sections.QUALITY, List.of(
                Map.of("precision", "FP32", "loss", 0.4, "perplexity", 1.49, "accuracy", 0.85),
                Map.of("precision", "W8A8", "loss", 0.5, "perplexity", 1.65, "accuracy", 0.80))));

        assertThat(RunSummary.of(sections)).containsOnly(Map.entry("FP32 acc", 0.85), Map.entry("W8A8 acc", 0.80));
    }

    @Test
    void anEncodersFidelityAndProbeAccuracyAreColumnsPerPrecisionAndHigherIsBetter() {
        Sections sections = new Sections(Map.of(Sections.QUALITY, List.of(
                Map.of("precision", "FP32", "loss", Double.NaN, "perplexity", Double.NaN, "probe_accuracy", 0.26),
                Map.of("precision", "W8A8", "loss", Double.NaN, "perplexity", Double.NaN, "output_sqnr_db", 2.6, "pooled_cosine", 0.84,
                        "probe_accuracy", 0.25))));

        Map<String, Double> summary = RunSummary.of(sections);
        Comparison c = new Comparison(List.of(row("none", List.of(summary)),
                row("gamma-migration", List.of(Map.of("W8A8 cosine", 0.9, "W8A8 SQNR dB", 2.0, "W8A8 probe acc", 0.25)))));

        assertThat(summary).containsOnly(Map.entry("FP32 probe acc", 0.26), Map.entry("W8A8 cosine", 0.84),
                Map.entry("W8A8 SQNR dB", 2.6), Map.entry("W8A8 probe acc", 0.25));
        assertThat(c.metrics()).containsExactly("FP32 probe acc", "W8A8 cosine", "W8A8 SQNR dB", "W8A8 probe acc");
        assertThat(c.best()).containsExactly(Map.entry("W8A8 cosine", Set.of(1)), Map.entry("W8A8 SQNR dB", Set.of(0)));
    }
}
