package org.inlier.plugins.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;

import org.inlier.api.attention.AttentionContext;
import org.inlier.api.plugin.Options;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class ClippedSoftmaxTest {

    private final ClippedSoftmax clipped = new ClippedSoftmax();

    @Test
    void stretchesTheSoftmaxAndClipsToExactlyZeroAndOne() {
        double zeta = 1.1;
        double gamma = -0.1;
        // Row 0 is peaked (entries clip to 1 and to 0); row 1 is flat enough to stay inside (0, 1).
        double[][] scores = {{4, 0, -1}, {0.2, 0, 0.5}};
        SameDiff sd = SameDiff.create();
        SDVariable s = sd.var("scores", Nd4j.create(new double[][][][] {{scores}}));
        Options options = options(Map.of("zeta", zeta, "gamma", gamma));
        INDArray p = clipped.probabilities(s, context(sd, 3, false), options).eval();

        for (int q = 0; q < 2; q++) {
            double[] softmax = softmax(scores[q]);
            for (int k = 0; k < 3; k++) {
                double expected = Math.min(1, Math.max(0, (zeta - gamma) * softmax[k] + gamma));
                assertThat(p.getDouble(0, 0, q, k)).as("row %d key %d", q, k).isCloseTo(expected, within(1e-12));
            }
        }
        assertThat(p.getDouble(0, 0, 0, 0)).isEqualTo(1.0);
        assertThat(p.getDouble(0, 0, 0, 1)).isEqualTo(0.0);
        assertThat(p.getDouble(0, 0, 0, 2)).isEqualTo(0.0);
        assertThat(p.getDouble(0, 0, 1, 0)).isStrictlyBetween(0.0, 1.0);
    }

    @Test
    void alphaMeansGammaIsMinusAlphaOverSequenceLength() {
        assertThat(ClippedSoftmax.gamma(options(Map.of("alpha", 2.0)), 8)).isEqualTo(-0.25);
        assertThat(ClippedSoftmax.gamma(options(Map.of("gamma", -0.03)), 8)).isEqualTo(-0.03);
    }

    @Test
    void defaultsToAlphaFourWhenNeitherGammaNorAlphaIsGiven() {
        assertThat(ClippedSoftmax.gamma(options(Map.of()), 16)).isEqualTo(-4.0 / 16);
        assertThat(options(Map.of()).getDouble("zeta")).isEqualTo(1.0);
    }

    @Test
    void rejectsGammaAndAlphaGivenTogether() {
        SameDiff sd = SameDiff.create();
        SDVariable s = sd.var("scores", Nd4j.zeros(DataType.DOUBLE, 1, 1, 4, 4));
        Options both = options(Map.of("gamma", -0.01, "alpha", 0.5));
        assertThatThrownBy(() -> clipped.probabilities(s, context(sd, 4, true), both))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'gamma'")
                .hasMessageContaining("'alpha'")
                .hasMessageContaining("only one");
    }

    @Test
    void rejectsAlphaFourAtLength128InABidirectionalLayerAndNamesTheSafeAlpha() {
        SameDiff sd = SameDiff.create();
        SDVariable s = sd.var("scores", Nd4j.zeros(DataType.DOUBLE, 1, 1, 128, 128));
        assertThatThrownBy(() -> clipped.probabilities(s, context(sd, 128, false), options(Map.of("alpha", 4.0))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("clipped to 0")
                .hasMessageContaining("no gradient")
                .hasMessageContaining("T = 128")
                .hasMessageContaining("alpha < 1.00787")
                .hasMessageContaining("gamma > -0.00787402");
    }

    @Test
    void safeAlphaBoundIsWhereUniformAttentionStopsSurvivingTheClip() {
        double bound = ClippedSoftmax.alphaBound(1.0, 128);
        assertThat(bound).isCloseTo(128.0 / 127, within(1e-15));
        assertThat(ClippedSoftmax.uniformAttentionSurvives(1.0, -(bound - 1e-9) / 128, 128)).isTrue();
        assertThat(ClippedSoftmax.uniformAttentionSurvives(1.0, -(bound + 1e-9) / 128, 128)).isFalse();
        assertThat(ClippedSoftmax.uniformAttentionSurvives(1.0, -4.0 / 128, 128)).isFalse();
        assertThat(ClippedSoftmax.uniformAttentionSurvives(1.0, 0.0, 128)).isTrue();
        assertThat(ClippedSoftmax.alphaBound(1.0, 1)).isInfinite();
    }

    @Test
    void acceptsAlphaBelowTheBoundInABidirectionalLayer() {
        SameDiff sd = SameDiff.create();
        SDVariable s = sd.var("scores", Nd4j.zeros(DataType.DOUBLE, 1, 1, 128, 128));
        INDArray p = clipped.probabilities(s, context(sd, 128, false), options(Map.of("alpha", 1.0))).eval();
        // Uniform 1/128 stretched by (1 + 1/128) and shifted by -1/128 stays positive: 1/128².
        assertThat(p.minNumber().doubleValue()).isCloseTo(1.0 / (128 * 128), within(1e-15));
    }

    @Test
    void acceptsAlphaFourInACausalLayer() {
        SameDiff sd = SameDiff.create();
        SDVariable s = sd.var("scores", Nd4j.zeros(DataType.DOUBLE, 1, 1, 128, 128));
        assertThat(clipped.probabilities(s, context(sd, 128, true), options(Map.of("alpha", 4.0)))).isNotNull();
    }

    @Test
    void gradientsReachEveryScoreAtTheFirstStepOnNearlyUniformScores() {
        Nd4j.getRandom().setSeed(11);
        int t = 128;
        SameDiff sd = SameDiff.create();
        // Scores of a freshly initialised encoder: almost equal, so attention is almost uniform.
        SDVariable scores = sd.var("scores", Nd4j.randn(DataType.DOUBLE, 1, 2, t, t).muli(0.01));
        SDVariable target = sd.constant("target", Nd4j.randn(DataType.DOUBLE, 1, 2, t, t));
        SDVariable p = clipped.probabilities(scores, context(sd, t, false), options(Map.of("alpha", 0.5)));
        sd.sum("loss", p.mul(target));
        sd.setLossVariables("loss");

        INDArray gradient = sd.calculateGradients(Map.of(), "scores").get("scores");
        assertThat(p.eval().minNumber().doubleValue()).as("smallest probability").isGreaterThan(0.0);
        assertThat(Transforms.abs(gradient).minNumber().doubleValue()).as("smallest |gradient|").isGreaterThan(0.0);
    }

    @Test
    void alphaFourOnNearlyUniformAttentionOver128KeysLeavesNoGradientWhichIsWhyEncodersAreChecked() {
        Nd4j.getRandom().setSeed(11);
        int t = 128;
        SameDiff sd = SameDiff.create();
        // Unmasked scores in a layer flagged causal: what a bidirectional layer would compute, unchecked.
        SDVariable scores = sd.var("scores", Nd4j.randn(DataType.DOUBLE, 1, 2, t, t).muli(0.01));
        SDVariable target = sd.constant("target", Nd4j.randn(DataType.DOUBLE, 1, 2, t, t));
        SDVariable p = clipped.probabilities(scores, context(sd, t, true), options(Map.of("alpha", 4.0)));
        sd.sum("loss", p.mul(target));
        sd.setLossVariables("loss");

        INDArray gradient = sd.calculateGradients(Map.of(), "scores").get("scores");
        assertThat(p.eval().maxNumber().doubleValue()).as("largest probability").isEqualTo(0.0);
        assertThat(gradient.amaxNumber().doubleValue()).as("largest |gradient|").isEqualTo(0.0);
    }

    @Test
    void gradientsMatchFiniteDifferencesAwayFromTheClipKinks() {
        double zeta = 1.1;
        double gamma = -0.1;
        // Row 0 clips to (1, 0, 0), other rows mix clipped and unclipped keys; every stretched
        // value stays at least 0.01 from the kinks at 0 and 1, far beyond the difference step.
        double[][][] scores = {
                {{3, 0.2, -1}, {0.3, -0.2, 0.8}, {-1, 2, 0.5}},
                {{0.1, 0.4, -0.3}, {2.5, 0.3, -2}, {0, 0.2, 0.4}}};
        for (double[][] head : scores) {
            for (double[] row : head) {
                for (double p : softmax(row)) {
                    double stretched = (zeta - gamma) * p + gamma;
                    assertThat(Math.min(Math.abs(stretched), Math.abs(stretched - 1))).isGreaterThan(0.01);
                }
            }
        }
        SameDiff sd = SameDiff.create();
        SDVariable s = sd.var("scores", Nd4j.create(new double[][][][] {scores}));
        SDVariable weights = sd.constant("weights", Nd4j.create(new double[][][][] {{
                {{0.3, -1.2, 0.7}, {1.1, 0.4, -0.6}, {-0.9, 0.2, 1.5}},
                {{0.8, -0.3, 0.5}, {-1.4, 0.9, 0.1}, {0.6, -0.7, 1.2}}}}));
        SDVariable p = clipped.probabilities(s, context(sd, 3, false), options(Map.of("zeta", zeta, "gamma", gamma)));
        sd.sum("loss", p.mul(weights));
        GradientCheck.assertGradientsMatch(sd, "loss", "scores");
    }

    private Options options(Map<String, ?> values) {
        return Options.withDefaults(clipped.options(), values);
    }

    private static AttentionContext context(SameDiff sd, int seqLen, boolean causal) {
        SDVariable x = sd.var("x", Nd4j.zeros(DataType.DOUBLE, 1, seqLen, 4));
        return new AttentionContext(sd, "layer.0.attn", x, 1, 4, seqLen, causal);
    }

    private static double[] softmax(double[] row) {
        double sum = 0;
        double[] out = new double[row.length];
        for (int i = 0; i < row.length; i++) {
            out[i] = Math.exp(row[i]);
            sum += out[i];
        }
        for (int i = 0; i < row.length; i++) {
            out[i] /= sum;
        }
        return out;
    }
}
