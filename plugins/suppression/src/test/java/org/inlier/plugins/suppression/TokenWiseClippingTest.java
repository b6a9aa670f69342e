package org.inlier.plugins.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.SymmetricGrid;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteKind;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TokenWiseClippingTest {

    private static final QuantizationSite FFN = QuantizationSite.activation("layer.0.ffn.out", SiteKind.FFN_OUTPUT, 0);
    private static final QuantizationSite RESIDUAL = QuantizationSite.activation("layer.0.ffn.residual", SiteKind.RESIDUAL, 0);
    private static final QuantizationSite PROBS = QuantizationSite.activation("layer.0.attn.probs", SiteKind.ATTENTION_PROBS, 0);

    private final TokenWiseClipping clipping = new TokenWiseClipping();

    private Options options(Map<String, ?> values) {
        return Options.withDefaults(clipping.options(), values);
    }

    /**
     * 4 batches of (2, 16, 32): 32 tokens of 32 features ~ N(0, 1) each, one token per batch with
     * an outlier of {@code +high} and another with {@code −low} in one feature, as in BERT's
     * delimiter tokens.
     */
    private static List<INDArray> withOutlierTokens(long seed, double high, double low) {
        Nd4j.getRandom().setSeed(seed);
        List<INDArray> batches = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            INDArray x = Nd4j.randn(DataType.FLOAT, 2, 16, 32);
            x.putScalar(new long[] {0, b, 7}, high);
            x.putScalar(new long[] {1, 3 + b, 20}, -low);
            batches.add(x);
        }
        return batches;
    }

    private static List<INDArray> probabilities() {
        Nd4j.getRandom().setSeed(9);
        return List.of(Nd4j.rand(DataType.FLOAT, 2, 2, 16, 16), Nd4j.rand(DataType.FLOAT, 2, 2, 16, 16));
    }

    private static SaturatingModelContext context(QuantScheme scheme) {
        Map<QuantizationSite, List<INDArray>> samples = new LinkedHashMap<>();
        samples.put(FFN, withOutlierTokens(1, 60, 40));
        samples.put(PROBS, probabilities());
        samples.put(RESIDUAL, withOutlierTokens(2, 90, 20));
        return new SaturatingModelContext(samples, scheme);
    }

    @Test
    void clipsTheOutlierTokensAndLowersTheOutputErrorBelowAlphaOne() {
        SaturatingModelContext context = context(QuantScheme.asymmetricPerTensor(8));

        ClippingChoice choice = TokenWiseClipping.coarse(context, 0.01, 20).orElseThrow();

        // Measured: α = 0.97, output MSE 1.8e-5 against 8.7e-4 at α = 1; ranges [−5.7, 7.3] and
        // [−4.8, 9.7] for outliers of −40 / 60 and −20 / 90 (min-max would give the outliers).
        assertThat(choice.alpha()).isLessThan(1.0).isGreaterThan(0.9);
        assertThat(choice.outputError()).isLessThan(choice.errorAtOne() / 10);
        assertClipsBelow(choice.ranges().get(FFN.name()), 60, 40);
        assertClipsBelow(choice.ranges().get(RESIDUAL.name()), 90, 20);
    }

    /** The range keeps less than a quarter of the positive outlier and a third of the negative one. */
    private static void assertClipsBelow(Range range, double high, double low) {
        assertThat(range.max()[0]).as("upper clip, outlier %s", high).isLessThan(high / 4);
        assertThat(range.min()[0]).as("lower clip, outlier −%s", low).isGreaterThan(-low / 3);
    }

    @Test
    void oneAlphaIsSharedByAllSitesAndTheRangesAreItsQuantilesAveragedOverBatches() {
        SaturatingModelContext context = context(QuantScheme.asymmetricPerTensor(8));

        ClippingChoice choice = TokenWiseClipping.coarse(context, 0.01, 20).orElseThrow();

        for (QuantizationSite site : List.of(FFN, RESIDUAL)) {
            List<TokenExtrema> batches = context.samples(site.name()).stream().map(TokenExtrema::of).toList();
            assertThat(choice.ranges().get(site.name())).isEqualTo(TokenExtrema.range(batches, choice.alpha()));
        }
    }

    @Test
    void attentionProbabilitiesKeepTheEstimatedRangeInEveryCandidate() {
        SaturatingModelContext context = context(QuantScheme.asymmetricPerTensor(8));

        Map<String, Range> chosen = clipping.chooseRanges(context, options(Map.of())).orElseThrow();

        assertThat(chosen).containsOnlyKeys(FFN.name(), RESIDUAL.name());
        assertThat(context.scored).hasSize(20).allSatisfy(ranges -> {
            assertThat(ranges).containsOnlyKeys(FFN.name(), RESIDUAL.name(), PROBS.name());
            assertThat(ranges.get(PROBS.name())).isEqualTo(context.estimatedRanges().get(PROBS.name()));
        });
    }

    @Test
    void scoresMoreCandidatesAtLowerBitWidths() {
        SaturatingModelContext context = context(QuantScheme.asymmetricPerTensor(4));

        ClippingChoice choice = TokenWiseClipping.coarse(context, 0.01, 20).orElseThrow();

        assertThat(context.scored).hasSize(40);
        assertThat(choice.candidates()).isEqualTo(40);
        // Measured: α = 0.76 at 4 bits (0.97 at 8): a coarser grid makes clipping pay more.
        assertThat(choice.alpha()).isLessThan(0.9);
    }

    @Test
    void leavesPerTokenSchemesToTheEstimator() {
        SaturatingModelContext context = context(new QuantScheme(8, false, Granularity.TOKEN, 0, SymmetricGrid.RESTRICTED));

        assertThat(clipping.chooseRanges(context, options(Map.of()))).isEmpty();
        assertThat(context.scored).isEmpty();
    }

    @Test
    void recordsEveryCandidateEachClippedSiteAndASummary() {
        SaturatingModelContext context = context(QuantScheme.asymmetricPerTensor(8));

        Map<String, Range> chosen = clipping.chooseRanges(context, options(Map.of())).orElseThrow();

        List<Map<String, Object>> candidates = context.records.get("candidates");
        assertThat(candidates).hasSize(20);
        assertThat(candidates.get(0)).containsEntry("alpha", 1.0).containsKeys("output_mse", "seconds");
        assertThat(candidates.get(19)).containsEntry("alpha", 0.81);
        for (int k = 0; k < 20; k++) {
            assertThat(candidates.get(k).get("output_mse")).isEqualTo(context.outputErrorOf(context.scored.get(k)));
        }
        Map<String, Object> summary = context.records.get("summary").get(0);
        double alpha = (double) summary.get("alpha");
        assertThat(summary.get("output_mse_coarse")).isEqualTo(candidates.stream().mapToDouble(c -> (double) c.get("output_mse")).min().orElseThrow());
        assertThat(context.records.get("ranges")).hasSize(2).allSatisfy(row -> {
            assertThat(row.get("alpha")).isEqualTo(alpha);
            assertThat(row.get("max")).isEqualTo(chosen.get((String) row.get("site")).max()[0]);
            assertThat(row.get("coarse_max")).isEqualTo(row.get("max"));
        });
        assertThat(context.records).doesNotContainKey("fine stage");
    }

    @Test
    void withPatienceTheSearchStopsAfterThatManyCandidatesWithoutANewBest() {
        SaturatingModelContext full = context(QuantScheme.asymmetricPerTensor(8));
        SaturatingModelContext patient = context(QuantScheme.asymmetricPerTensor(8));

        ClippingChoice all = TokenWiseClipping.coarse(full, 0.01, 20, null, 0, 0).orElseThrow();
        ClippingChoice early = TokenWiseClipping.coarse(patient, 0.01, 20, null, 3, 0).orElseThrow();

        // The error falls to its minimum at α = 0.97 and rises after it: 3 more candidates, then stop.
        assertThat(all.alpha()).isCloseTo(0.97, within(1e-9));
        assertThat(early.alpha()).isEqualTo(all.alpha());
        assertThat(early.scored()).isEqualTo(4 + 3);
        assertThat(patient.scored).hasSize(7);
        assertThat(early.candidates()).isEqualTo(20);
        assertThat(early.summary()).contains("of 20 candidates (7 scored)");
    }

    @Test
    void scoreBatchesScoresOnTheFirstBatchesButTakesTheRangesFromAll() {
        SaturatingModelContext context = context(QuantScheme.asymmetricPerTensor(8));

        ClippingChoice choice = TokenWiseClipping.coarse(context, 0.01, 5, null, 0, 2).orElseThrow();

        assertThat(context.scoredBatches).hasSize(5).containsOnly(2);
        List<TokenExtrema> all = context.samples(FFN.name()).stream().map(TokenExtrema::of).toList();
        assertThat(all).hasSize(4);
        assertThat(choice.ranges().get(FFN.name())).isEqualTo(TokenExtrema.range(all, choice.alpha()));
    }

    @Test
    void aGivenAlphaIsScoredOnceInsteadOfSearching() {
        SaturatingModelContext context = context(QuantScheme.asymmetricPerTensor(4));

        Map<String, Range> chosen = clipping.chooseRanges(context, options(Map.of("alpha", 0.93))).orElseThrow();

        assertThat(context.scored).hasSize(1);
        assertThat(context.records.get("candidates")).singleElement().satisfies(row -> assertThat(row).containsEntry("alpha", 0.93));
        List<TokenExtrema> batches = context.samples(FFN.name()).stream().map(TokenExtrema::of).toList();
        assertThat(chosen.get(FFN.name())).isEqualTo(TokenExtrema.range(batches, 0.93));
    }

    @Test
    void theSummaryNamesAlphaAndBothErrors() {
        ClippingChoice choice = new ClippingChoice(1 - 4 * 0.01, 20, 20, 1.25e-5, 1.3e-3, Map.of("a", Range.of(-1, 1)), 2.5);

        assertThat(choice.summary()).isEqualTo("α = 0.96 of 20 candidates: output MSE 1.250e-05 (1.300e-03 at α = 1), 1 sites clipped");
    }

    @Test
    void theDefaultsAreStepOneHundredthTwentyCandidatesAndNoFineStage() {
        Options defaults = options(Map.of());

        assertThat(defaults.getDouble("step")).isEqualTo(0.01);
        assertThat(defaults.getInt("candidates")).isEqualTo(20);
        assertThat(defaults.getBoolean("fine.enabled")).isFalse();
        assertThat(defaults.getInt("fine.epochs")).isEqualTo(FineStage.DEFAULT_EPOCHS);
        assertThat(defaults.getDouble("fine.lr")).isEqualTo(FineStage.DEFAULT_LR);
        assertThat(clipping.lossTerm(Map.of(), defaults)).isEqualTo(Optional.empty());
        assertThat(clipping.rewrite(null, sites -> Map.of(), defaults)).isEqualTo(Optional.empty());
    }
}
