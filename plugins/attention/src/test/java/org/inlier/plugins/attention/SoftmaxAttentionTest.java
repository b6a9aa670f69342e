package org.inlier.plugins.attention;

import static org.assertj.core.api.Assertions.assertThat;
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

class SoftmaxAttentionTest {

    private final SoftmaxAttention vanilla = new SoftmaxAttention();

    @Test
    void probabilitiesAreTheSoftmaxOverTheKeysWithMaskedKeysAtZero() {
        double[][] scores = {{1, 2, 3}, {0.5, -1e9, -0.5}};
        SameDiff sd = SameDiff.create();
        SDVariable s = sd.var("scores", Nd4j.create(new double[][][][] {{scores}}));
        INDArray p = vanilla.probabilities(s, context(sd, 3), Options.empty()).eval();

        double row0 = Math.exp(1) + Math.exp(2) + Math.exp(3);
        double row1 = Math.exp(0.5) + Math.exp(-0.5); // the masked key adds exp(-1e9) = 0
        double[][] expected = {
                {Math.exp(1) / row0, Math.exp(2) / row0, Math.exp(3) / row0},
                {Math.exp(0.5) / row1, 0, Math.exp(-0.5) / row1}};
        for (int q = 0; q < 2; q++) {
            for (int k = 0; k < 3; k++) {
                assertThat(p.getDouble(0, 0, q, k)).isCloseTo(expected[q][k], within(1e-12));
            }
        }
    }

    @Test
    void headOutputsPassThroughUnchanged() {
        SameDiff sd = SameDiff.create();
        SDVariable out = sd.var("out", Nd4j.rand(DataType.DOUBLE, 1, 2, 3, 4));
        assertThat(vanilla.headOutputs(out, context(sd, 3), Options.empty())).isSameAs(out);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Nd4j.getRandom().setSeed(7);
        SameDiff sd = SameDiff.create();
        SDVariable scores = sd.var("scores", Nd4j.randn(DataType.DOUBLE, 1, 2, 3, 3));
        SDVariable weights = sd.constant("weights", Nd4j.randn(DataType.DOUBLE, 1, 2, 3, 3));
        SDVariable p = vanilla.probabilities(scores, context(sd, 3), Options.empty());
        sd.sum("loss", p.mul(weights));
        GradientCheck.assertGradientsMatch(sd, "loss", "scores");
    }

    @Test
    void declaresNoOptions() {
        assertThat(vanilla.id()).isEqualTo("vanilla");
        assertThat(vanilla.options()).isEmpty();
        assertThat(Options.withDefaults(vanilla.options(), Map.of()).asMap()).isEmpty();
    }

    private static AttentionContext context(SameDiff sd, int seqLen) {
        SDVariable x = sd.var("x", Nd4j.zeros(DataType.DOUBLE, 1, seqLen, 4));
        return new AttentionContext(sd, "layer.0.attn", x, 1, 4, seqLen, false);
    }
}
