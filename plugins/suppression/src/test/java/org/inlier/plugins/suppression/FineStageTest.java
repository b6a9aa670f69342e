package org.inlier.plugins.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.SymmetricGrid;
import org.inlier.plugins.quantizers.UniformAffineQuantizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token-Wise Clipping's fine stage on a small post-LN encoder with every activation quantized to 4
 * bits: 4 epochs over 4 batches at a learning rate of 1e-2.
 */
class FineStageTest {

    private static TinyModelContext context;
    private static ClippingChoice coarse;
    private static FineStage.Result fine;

    @BeforeAll
    static void learn() {
        context = new TinyModelContext(QuantScheme.asymmetricPerTensor(4), 0.3, 4);
        coarse = TokenWiseClipping.coarse(context, 0.01, 3).orElseThrow();
        fine = new FineStage(4, 1e-2).learn(context, coarse.ranges());
    }

    @Test
    void theLearnedRangesLowerTheOutputErrorOfTheCoarseOnes() {
        // Measured: 6.54e-2 with the coarse ranges (α = 0.95; 8.53e-2 at α = 1), 6.14e-2 after 16 steps.
        assertThat(fine.outputError()).isLessThan(coarse.outputError() * 0.97);
        assertThat(fine.ranges()).containsOnlyKeys(coarse.ranges().keySet());
        assertThat(fine.ranges()).isNotEqualTo(coarse.ranges());
    }

    @Test
    void theLossCurveHasOneStepPerBatchAndEpochAndFalls() {
        List<Map<String, Object>> losses = fine.losses();

        assertThat(losses).hasSize(4 * 4);
        assertThat(losses.get(0)).containsEntry("epoch", 1).containsEntry("step", 1);
        assertThat(losses.get(15)).containsEntry("epoch", 4).containsEntry("step", 16);
        double firstEpoch = losses.subList(0, 4).stream().mapToDouble(r -> (double) r.get("loss")).sum();
        double lastEpoch = losses.subList(12, 16).stream().mapToDouble(r -> (double) r.get("loss")).sum();
        assertThat(lastEpoch).isLessThan(firstEpoch);
    }

    @Test
    void theFirstStepsLossIsTheOutputErrorOfTheCoarseRangesOnTheFirstBatch() {
        // The graph starts from the coarse parameters: its loss on batch 1 is that batch's output error.
        double first = (double) fine.losses().get(0).get("loss");

        assertThat(first).isGreaterThan(0).isLessThan(coarse.outputError() * 3);
    }

    @Test
    void learnedParametersComeBackAsRangesThatGiveThemAgain() {
        UniformAffineQuantizer quantizer = new UniformAffineQuantizer();
        for (QuantScheme scheme : List.of(QuantScheme.asymmetricPerTensor(4), QuantScheme.asymmetricPerTensor(8),
                QuantScheme.symmetricPerTensor(6), new QuantScheme(5, true, Granularity.TENSOR, 0, SymmetricGrid.HALF_STEP))) {
            double scale = 0.0371;
            double zeroPoint = scheme.symmetric() ? 0 : 5.4; // rounds to 5

            QuantParams p = quantizer.params(scheme, FineStage.range(scheme, scale, zeroPoint));

            assertThat(p.scale()[0]).as("%s", scheme).isCloseTo(scale, org.assertj.core.api.Assertions.within(1e-12));
            assertThat(p.zeroPoint()[0]).as("%s", scheme).isEqualTo(scheme.symmetric() ? 0 : 5);
        }
        assertThat(FineStage.range(QuantScheme.asymmetricPerTensor(4), 0.5, 40)).isEqualTo(Range.of(-7.5, 0));
    }

    @Test
    void chooseRangesRunsTheFineStageWhenEnabledAndRecordsItsLossCurve() {
        TinyModelContext fresh = new TinyModelContext(QuantScheme.asymmetricPerTensor(4), 0.3, 2);
        TokenWiseClipping clipping = new TokenWiseClipping();
        Options options = Options.withDefaults(clipping.options(),
                Map.of("candidates", 2, "fine.enabled", true, "fine.epochs", 2, "fine.lr", 1e-2));

        Map<String, Range> chosen = clipping.chooseRanges(fresh, options).orElseThrow();

        assertThat(fresh.records.get("candidates")).hasSize(4); // 2 · 8 / 4 at 4 bits
        assertThat(fresh.records.get("fine stage")).hasSize(2 * 2);
        Map<String, Object> summary = fresh.records.get("summary").get(0);
        assertThat(summary).containsKeys("output_mse_coarse", "output_mse_fine", "fine_seconds");
        assertThat((double) summary.get("output_mse_fine")).isEqualTo(fresh.outputError(withEstimated(fresh, chosen)));
        assertThat(fresh.records.get("ranges")).allSatisfy(row ->
                assertThat(row.get("max")).isEqualTo(chosen.get((String) row.get("site")).max()[0]));
    }

    private static Map<String, Range> withEstimated(TinyModelContext context, Map<String, Range> ranges) {
        Map<String, Range> all = new java.util.LinkedHashMap<>(context.estimatedRanges());
        all.putAll(ranges);
        return all;
    }
}
