package org.inlier.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class OutlierMetricsTest {

    @Test
    void kurtosisUsesThePlainFourthMomentAndTheUnbiasedVariance() {
        // x = [1, 2, 3, 4]: mean 2.5, deviations ±0.5, ±1.5.
        // E[(x-μ)^4] = (2·0.0625 + 2·5.0625) / 4 = 2.5625; unbiased σ² = 5 / 3.
        double expected = 2.5625 / ((5.0 / 3) * (5.0 / 3) + 1e-6);
        assertThat(OutlierMetrics.kurtosis(new double[] {1, 2, 3, 4})).isCloseTo(expected, within(1e-12));
    }

    @Test
    void aSingleHugeOutlierGivesAHugeKurtosis() {
        double[] x = new double[1000];
        x[17] = 100;
        assertThat(OutlierMetrics.kurtosis(x)).isGreaterThan(900);
        assertThat(OutlierMetrics.infNorm(x)).isEqualTo(100);
    }

    @Test
    void metricsAreTakenPerSequenceAndAveraged() {
        OutlierMetrics m = new OutlierMetrics();
        // Two sequences (B = 2) of 2 tokens × 2 features: ∞-norms 4 and 8.
        m.add(Nd4j.createFromArray(new float[][][] {{{1, -4}, {2, 3}}, {{8, 0}, {0, 0}}}));
        assertThat(m.meanInfNorm()).isEqualTo(6.0);
        assertThat(m.maxAbs()).isEqualTo(8.0);
        double k1 = OutlierMetrics.kurtosis(new double[] {1, -4, 2, 3});
        double k2 = OutlierMetrics.kurtosis(new double[] {8, 0, 0, 0});
        assertThat(m.meanKurtosis()).isCloseTo((k1 + k2) / 2, within(1e-9));
    }

    @Test
    void paddingPositionsAreLeftOutOfTokenMajorActivations() {
        OutlierMetrics m = new OutlierMetrics();
        // Sequence 0: tokens [1, -4], [2, 3] and a padding token [9, 9]; sequence 1: one real token [8, 0], then padding [5, 5].
        m.add(Nd4j.createFromArray(new float[][][] {{{1, -4}, {2, 3}, {9, 9}}, {{8, 0}, {5, 5}, {5, 5}}}),
                Nd4j.createFromArray(new float[][] {{1, 1, 0}, {1, 0, 0}}));
        assertThat(m.meanInfNorm()).isEqualTo(6.0);
        assertThat(m.maxAbs()).isEqualTo(8.0);
        double k1 = OutlierMetrics.kurtosis(new double[] {1, -4, 2, 3});
        double k2 = OutlierMetrics.kurtosis(new double[] {8, 0});
        assertThat(m.meanKurtosis()).isCloseTo((k1 + k2) / 2, within(1e-9));
    }

    @Test
    void activationsThatAreNotTokenMajorAreTakenWhole() {
        OutlierMetrics m = new OutlierMetrics();
        // Attention probabilities (B = 1, H = 2, T = 2, T = 2) with the second token padded: not (B, T, D), so all values count.
        m.add(Nd4j.createFromArray(new float[][][][] {{{{1, 0}, {0.5f, 0.5f}}, {{0.25f, 0.75f}, {1, 0}}}}),
                Nd4j.createFromArray(new float[][] {{1, 0}}));
        assertThat(m.meanInfNorm()).isEqualTo(1.0);
        assertThat(m.meanKurtosis()).isCloseTo(OutlierMetrics.kurtosis(new double[] {1, 0, 0.5, 0.5, 0.25, 0.75, 1, 0}), within(1e-9));
    }
}
