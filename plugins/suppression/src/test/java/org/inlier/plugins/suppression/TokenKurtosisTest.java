package org.inlier.plugins.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TokenKurtosisTest {

    private static INDArray kurtosis(INDArray x) {
        return TokenKurtosis.of(SameDiff.create().var("x", x)).eval();
    }

    @Test
    void isTheRatioOfPopulationMomentsOfEachTokenOverTheHiddenAxis() {
        // Token (0, 0): ±1, so μ = 0, σ² = 1, E[(x − μ)⁴] = 1 → k = 1 / (1 + ε).
        // Token (0, 1): one spike [2, 0, 0, 0], so μ = 0.5, deviations 1.5 and -0.5 (three times):
        // σ² = (2.25 + 3 · 0.25) / 4 = 0.75, E[(x − μ)⁴] = (5.0625 + 3 · 0.0625) / 4 = 1.3125 → k = 7/3 (up to ε).
        // Token (1, 0): [1, 2, 3, 4], μ = 2.5, σ² = 1.25, E[(x − μ)⁴] = (2 · 5.0625 + 2 · 0.0625) / 4 = 2.5625 → k = 1.64.
        // Token (1, 1): constant, so k = 0 / (0 + ε) = 0.
        INDArray x = Nd4j.createFromArray(new double[][][] {
                {{1, -1, 1, -1}, {2, 0, 0, 0}},
                {{1, 2, 3, 4}, {5, 5, 5, 5}}});

        INDArray k = kurtosis(x);

        double eps = TokenKurtosis.EPSILON;
        assertThat(k.shape()).containsExactly(2, 2);
        assertThat(k.getDouble(0, 0)).isCloseTo(1 / (1 + eps), within(1e-12));
        assertThat(k.getDouble(0, 1)).isCloseTo(1.3125 / (0.5625 + eps), within(1e-12));
        assertThat(k.getDouble(1, 0)).isCloseTo(2.5625 / (1.5625 + eps), within(1e-12));
        assertThat(k.getDouble(1, 1)).isEqualTo(0.0);
    }

    @Test
    void aSpikeInOneOfDChannelsGivesAboutD() {
        // One spike among D channels: k = (D² − 3D + 3) / (D − 1), whatever the spike's height.
        int d = 128;
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 1, 1, d);
        x.putScalar(new long[] {0, 0, 17}, 700);

        assertThat(kurtosis(x).getDouble(0)).isCloseTo((d * d - 3.0 * d + 3) / (d - 1), within(1e-6));
    }

    @Test
    void gaussianFeaturesGiveAboutThreeInFloat() {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 3, 20_000);

        INDArray k = kurtosis(x);

        assertThat(k.dataType()).isEqualTo(DataType.FLOAT);
        for (double v : k.reshape(6).toDoubleVector()) {
            assertThat(v).isCloseTo(3.0, within(0.15));
        }
    }
}
