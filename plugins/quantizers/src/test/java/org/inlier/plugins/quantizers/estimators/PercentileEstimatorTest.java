package org.inlier.plugins.quantizers.estimators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.RangeObserver;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class PercentileEstimatorTest {

    private static RangeObserver observer(QuantScheme scheme, Map<String, ?> options) {
        return EstimatorFixtures.observer(new PercentileEstimator(), scheme, options);
    }

    @Test
    void interpolatesLinearlyBetweenNeighboursLikeNumpy() {
        float[] sorted = {0, 10, 20, 40, 80};

        // index p/100 * 4: 0.4, 0.8, 3.2, 3.6 (the last from the upper neighbour's side)
        assertThat(Percentile.linear(sorted, 10)).isEqualTo(4.0);
        assertThat(Percentile.linear(sorted, 20)).isEqualTo(8.0);
        assertThat(Percentile.linear(sorted, 80)).isCloseTo(48.0, within(1e-12));
        // numpy.percentile gives 48.00000000000001 too: 0.8 * 4 - 3 is not exactly 0.2
        assertThat(Percentile.linear(sorted, 80)).isEqualTo(48.00000000000001);
        assertThat(Percentile.linear(sorted, 90)).isEqualTo(64.0);
        assertThat(Percentile.linear(sorted, 0)).isEqualTo(0.0);
        assertThat(Percentile.linear(sorted, 100)).isEqualTo(80.0);
        assertThat(Percentile.linear(new float[] {7}, 99)).isEqualTo(7.0);
    }

    @Test
    void rangeIsTheLowerAndUpperPercentileOfAllBatches() {
        RangeObserver o = observer(EstimatorFixtures.PER_TENSOR, Map.of(PercentileEstimator.PERCENTILE, 90.0));

        o.observe(Nd4j.createFromArray(80.0, 0.0));
        o.observe(Nd4j.createFromArray(40.0, 10.0, 20.0));

        assertThat(o.range()).isEqualTo(Range.of(4, 64));
    }

    @Test
    void hundredthPercentileIsTheMinMaxRange() {
        RangeObserver o = observer(EstimatorFixtures.PER_TENSOR, Map.of(PercentileEstimator.PERCENTILE, 100.0));

        o.observe(Nd4j.createFromArray(3.0, -7.0, 1.0, 12.0));

        assertThat(o.range()).isEqualTo(Range.of(-7, 12));
    }

    @Test
    void defaultPercentileClipsTheOutermostHundredthOfAPercent() {
        RangeObserver o = observer(EstimatorFixtures.PER_TENSOR, Map.of());

        o.observe(Nd4j.arange(0, 10001).castTo(DataType.DOUBLE));

        // n - 1 = 10000: indices 0.01% * 10000 = 1 and 99.99% * 10000 = 9999 (numpy: [1, 9999])
        assertThat(o.range().min()[0]).isCloseTo(1, within(1e-9));
        assertThat(o.range().max()[0]).isCloseTo(9999, within(1e-9));
    }

    @Test
    void perChannelTakesPercentilesOfEachChannel() {
        RangeObserver o = observer(EstimatorFixtures.perChannel(0), Map.of(PercentileEstimator.PERCENTILE, 90.0));

        o.observe(Nd4j.createFromArray(new double[][] {{0, 10, 20, 40, 80}, {1, 2, 3, 4, 5}}));

        // channel 1: indices 0.4 and 3.6 -> 1.4 and 4.6
        Range range = o.range();
        assertThat(range.min()).containsExactly(new double[] {4, 1.4}, within(1e-12));
        assertThat(range.max()).containsExactly(new double[] {64, 4.6}, within(1e-12));
    }

    @Test
    void memoryIsBoundedBySampling() {
        RangeObserver o = observer(EstimatorFixtures.PER_TENSOR, Map.of(PercentileEstimator.PERCENTILE, 99.0, PercentileEstimator.MAX_SAMPLES, 2048));

        for (int batch = 0; batch < 10; batch++) {
            o.observe(Nd4j.arange(batch * 10_000, (batch + 1) * 10_000).castTo(DataType.FLOAT));
        }

        // Exact: [999.99, 99000.01]; a 2048-value uniform sample is within about 0.5% of 100000 of it.
        assertThat(o.range().min()[0]).isCloseTo(1000, within(500.0));
        assertThat(o.range().max()[0]).isCloseTo(99000, within(500.0));
    }
}
