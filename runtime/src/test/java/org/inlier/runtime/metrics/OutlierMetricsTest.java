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
}
