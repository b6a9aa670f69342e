package org.inlier.plugins.suppression;

import org.inlier.plugins.attention.GradientCheck;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.inlier.api.plugin.Options;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteKind;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

class KurtosisRegularizationTest {

    /** The kurtosis of the tokens of {@link #twoTokens()}: ±1 alternating, and one spike among 4 channels (see TokenKurtosisTest). */
    private static final double FLAT = 1 / (1 + TokenKurtosis.EPSILON);
    private static final double SPIKE = 1.3125 / (0.5625 + TokenKurtosis.EPSILON);

    private final KurtosisRegularization regularization = new KurtosisRegularization();

    private Options options(Map<String, ?> values) {
        return Options.withDefaults(regularization.options(), values);
    }

    private static QuantizationSite site(String name, SiteKind kind) {
        return QuantizationSite.activation(name, kind, 0);
    }

    /** Two tokens of kurtosis {@link #FLAT} and {@link #SPIKE}, shape (1, 2, 4). */
    private static INDArray twoTokens() {
        return Nd4j.createFromArray(new double[][][] {{{1, -1, 1, -1}, {2, 0, 0, 0}}});
    }

    private double value(Map<QuantizationSite, SDVariable> sites, Options options) {
        return regularization.lossTerm(sites, options).orElseThrow().eval().getDouble(0);
    }

    @Test
    void isLambdaTimesTheMeanKurtosisOverTokens() {
        SameDiff sd = SameDiff.create();
        Map<QuantizationSite, SDVariable> sites = Map.of(site("layer.0.ffn.residual", SiteKind.RESIDUAL), sd.var("x", twoTokens()));

        assertThat(value(sites, options(Map.of("lambda", 0.5)))).isCloseTo(0.5 * (FLAT + SPIKE) / 2, within(1e-12));
    }

    @Test
    void penalisesOnlyKurtosisAboveTheTargetTokenByToken() {
        SameDiff sd = SameDiff.create();
        Map<QuantizationSite, SDVariable> sites = Map.of(site("layer.0.ffn.residual", SiteKind.RESIDUAL), sd.var("x", twoTokens()));

        // The flat token (k ≈ 1) is below the target 2 and adds nothing; the spike adds 7/3 − 2.
        assertThat(value(sites, options(Map.of("lambda", 1.0, "target", 2.0)))).isCloseTo((SPIKE - 2) / 2, within(1e-12));
        assertThat(value(sites, options(Map.of("lambda", 1.0, "target", 3.0)))).isEqualTo(0.0);
    }

    @Test
    void averagesOverSitesWithEqualWeight() {
        SameDiff sd = SameDiff.create();
        Map<QuantizationSite, SDVariable> sites = new LinkedHashMap<>();
        sites.put(site("layer.0.attn.residual", SiteKind.RESIDUAL), sd.var("a", twoTokens()));
        INDArray spikeOnly = twoTokens().get(NDArrayIndex.all(), NDArrayIndex.interval(1, 2), NDArrayIndex.all()).dup(); // (1, 1, 4)
        sites.put(site("layer.0.ffn.residual", SiteKind.RESIDUAL), sd.var("b", spikeOnly));

        assertThat(value(sites, options(Map.of("lambda", 1.0)))).isCloseTo(((FLAT + SPIKE) / 2 + SPIKE) / 2, within(1e-12));
    }

    @Test
    void theDefaultsAreLambdaOneThousandthOnTheResidualSumsWithTargetZero() {
        Options defaults = options(Map.of());

        assertThat(defaults.getDouble("lambda")).isEqualTo(1e-3);
        assertThat(defaults.getString("sites")).isEqualTo("layer-outputs");
        assertThat(defaults.getDouble("target")).isEqualTo(0.0);
    }

    @Test
    void selectsSitesByKind() {
        // Each kind gets a tensor whose mean kurtosis identifies it: the value tells which sites were summed.
        SameDiff sd = SameDiff.create();
        Map<QuantizationSite, SDVariable> sites = new LinkedHashMap<>();
        sites.put(site("embed.sum", SiteKind.EMBEDDING_SUM), sd.var("embed", spikes(1)));
        sites.put(site("layer.0.attn.residual", SiteKind.RESIDUAL), sd.var("residual", spikes(2)));
        sites.put(site("layer.0.ffn.out", SiteKind.FFN_OUTPUT), sd.var("ffn", spikes(3)));
        sites.put(site("layer.0.ln1.out", SiteKind.LAYERNORM_OUTPUT), sd.var("ln", spikes(4)));
        sites.put(site("layer.0.attn.scores", SiteKind.ATTENTION_SCORES), sd.var("scores", Nd4j.rand(DataType.DOUBLE, 1, 2, 4, 4)));
        sites.put(site("layer.0.attn.probs", SiteKind.ATTENTION_PROBS), sd.var("probs", Nd4j.rand(DataType.DOUBLE, 1, 2, 4, 4)));
        sites.put(site("head.logits", SiteKind.HEAD_OUTPUT), sd.var("logits", spikes(5)));

        assertThat(value(sites, options(Map.of("lambda", 1.0)))).isCloseTo(spikeKurtosis(2), within(1e-5));
        assertThat(value(sites, options(Map.of("lambda", 1.0, "sites", "ffn-outputs")))).isCloseTo(spikeKurtosis(3), within(1e-5));
        assertThat(value(sites, options(Map.of("lambda", 1.0, "sites", "layernorm-outputs")))).isCloseTo(spikeKurtosis(4), within(1e-5));
        assertThat(value(sites, options(Map.of("lambda", 1.0, "sites", "all-activations"))))
                .as("embedding sum, residual, FFN and LayerNorm outputs; not scores, probabilities or logits")
                .isCloseTo((spikeKurtosis(1) + spikeKurtosis(2) + spikeKurtosis(3) + spikeKurtosis(4)) / 4, within(1e-5));
    }

    /** A (1, 3, 4·n) tensor whose every token is one spike among 4·n channels. */
    private static INDArray spikes(int n) {
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 1, 3, 4 * n);
        for (int t = 0; t < 3; t++) {
            x.putScalar(new long[] {0, t, t}, 5);
        }
        return x;
    }

    /** The kurtosis of one spike among 4·n channels, (D² − 3D + 3) / (D − 1), up to ε (hence the tolerance 1e-5). */
    private static double spikeKurtosis(int n) {
        double d = 4 * n;
        return (d * d - 3 * d + 3) / (d - 1);
    }

    @Test
    void isEmptyWhenNoSiteMatches() {
        SameDiff sd = SameDiff.create();
        Map<QuantizationSite, SDVariable> sites = Map.of(
                site("layer.0.attn.probs", SiteKind.ATTENTION_PROBS), sd.var("probs", Nd4j.rand(DataType.DOUBLE, 1, 2, 4, 4)),
                QuantizationSite.weight("layer.0.ffn.fc1.weight", 0, 1), sd.var("w", Nd4j.rand(DataType.DOUBLE, 4, 8)));

        assertThat(regularization.lossTerm(sites, options(Map.of("sites", "all-activations")))).isEmpty();
        assertThat(regularization.lossTerm(Map.of(), options(Map.of()))).isEmpty();
    }

    @Test
    void skipsSitesOfAKnownRankOtherThanThreeAndTakesOpOutputsOfUnknownShape() {
        SameDiff sd = SameDiff.create();
        Map<QuantizationSite, SDVariable> sites = new LinkedHashMap<>();
        sites.put(site("flat", SiteKind.RESIDUAL), sd.var("flat", spikes(1).reshape(3, 4)));
        sites.put(site("four", SiteKind.RESIDUAL), sd.var("four", spikes(1).reshape(1, 1, 3, 4)));
        SDVariable opOutput = sd.var("x", spikes(2)).mul(1.0);
        assertThat(opOutput.getShape()).as("an op output's shape is unknown before the graph runs").isNull();
        sites.put(site("op", SiteKind.RESIDUAL), opOutput);

        assertThat(value(sites, options(Map.of("lambda", 1.0)))).isCloseTo(spikeKurtosis(2), within(1e-5));
        assertThat(regularization.lossTerm(Map.of(site("flat", SiteKind.RESIDUAL), sd.getVariable("flat")), options(Map.of()))).isEmpty();
    }

    @Test
    void gradientMatchesFiniteDifferencesInFloat64() {
        Nd4j.getRandom().setSeed(5);
        INDArray a = Nd4j.randn(DataType.DOUBLE, 2, 2, 5);
        a.putScalar(new long[] {0, 1, 4}, 9.0); // an outlier
        INDArray b = Nd4j.randn(DataType.DOUBLE, 1, 3, 4).muli(0.3);
        SameDiff sd = SameDiff.create();
        Map<QuantizationSite, SDVariable> sites = new LinkedHashMap<>();
        sites.put(site("layer.0.attn.residual", SiteKind.RESIDUAL), sd.var("a", a));
        sites.put(site("layer.0.ffn.residual", SiteKind.RESIDUAL), sd.var("b", b).mul(2.0)); // an op output of unknown shape
        regularization.lossTerm(sites, options(Map.of("lambda", 0.7))).orElseThrow().rename("penalty");

        GradientCheck.assertGradientsMatch(sd, "penalty", "a", "b");
    }

    @Test
    void tokensBelowTheTargetGetNoGradient() {
        SameDiff sd = SameDiff.create();
        sd.var("x", twoTokens());
        Map<QuantizationSite, SDVariable> sites = Map.of(site("r", SiteKind.RESIDUAL), sd.getVariable("x"));
        regularization.lossTerm(sites, options(Map.of("lambda", 1.0, "target", 2.0))).orElseThrow().rename("penalty");
        sd.setLossVariables("penalty");

        INDArray gradient = sd.calculateGradients(Map.of(), "x").get("x");

        INDArray flatToken = gradient.get(NDArrayIndex.point(0), NDArrayIndex.point(0), NDArrayIndex.all());
        assertThat(Transforms.abs(flatToken).maxNumber().doubleValue()).as("largest |gradient| of the token below the target").isZero();
        assertThat(Math.abs(gradient.getDouble(0, 1, 0))).isGreaterThan(0.0);
    }

    @Test
    void gradientDescentOnThePenaltyShrinksAnOutlierChannel() {
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 8, 32);
        x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(7)).assign(12.0); // every token's channel 7
        SameDiff sd = SameDiff.create();
        SDVariable v = sd.var("x", x);
        regularization.lossTerm(Map.of(site("r", SiteKind.RESIDUAL), v), options(Map.of("lambda", 1.0))).orElseThrow().rename("penalty");
        sd.setLossVariables("penalty");
        double before = sd.output(Map.of(), "penalty").get("penalty").getDouble(0);
        double outlierBefore = maxAbsOfChannel(v.getArr(), 7);

        for (int step = 0; step < 30; step++) {
            INDArray gradient = sd.calculateGradients(Map.of(), "x").get("x");
            v.getArr().subi(gradient.mul(4.0));
        }

        double after = sd.output(Map.of(), "penalty").get("penalty").getDouble(0);
        // Measured: penalty 20.6 -> 2.3, outlier 12 -> 5.9.
        assertThat(after).isLessThan(before / 4);
        assertThat(maxAbsOfChannel(v.getArr(), 7)).isLessThan(outlierBefore / 2);
    }

    private static double maxAbsOfChannel(INDArray x, int channel) {
        return Transforms.abs(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(channel))).maxNumber().doubleValue();
    }

    @Test
    void actsOnlyThroughTheLossTerm() {
        Options defaults = options(Map.of());

        assertThat(regularization.rewrite(null, sites -> Map.of(), defaults)).isEqualTo(Optional.empty());
        assertThat(regularization.chooseRanges(null, defaults)).isEqualTo(Optional.empty());
    }
}
