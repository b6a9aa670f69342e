package org.inlier.plugins.quantizers.estimators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.RangeObserver;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class RunningMinMaxEstimatorTest {

    private static RangeObserver observer(QuantScheme scheme, Map<String, ?> options) {
        return EstimatorFixtures.observer(new RunningMinMaxEstimator(), scheme, options);
    }

    @Test
    void firstBatchInitialisesTheRange() {
        RangeObserver o = observer(EstimatorFixtures.PER_TENSOR, Map.of());

        o.observe(Nd4j.createFromArray(-1.0, 0.0, 1.0));

        assertThat(o.range()).isEqualTo(Range.of(-1, 1));
    }

    @Test
    void laterBatchesMoveTheRangeByOneMinusMomentumWithTheDefaultMomentumOfPointNine() {
        RangeObserver o = observer(EstimatorFixtures.PER_TENSOR, Map.of());

        o.observe(Nd4j.createFromArray(-1.0, 1.0));
        o.observe(Nd4j.createFromArray(-3.0, 5.0));
        // min 0.9 * -1 + 0.1 * -3 = -1.2, max 0.9 * 1 + 0.1 * 5 = 1.4
        assertThat(o.range().min()[0]).isCloseTo(-1.2, within(1e-12));
        assertThat(o.range().max()[0]).isCloseTo(1.4, within(1e-12));

        o.observe(Nd4j.createFromArray(0.0, 2.4));
        // min 0.9 * -1.2 + 0.1 * 0 = -1.08, max 0.9 * 1.4 + 0.1 * 2.4 = 1.5
        assertThat(o.range().min()[0]).isCloseTo(-1.08, within(1e-12));
        assertThat(o.range().max()[0]).isCloseTo(1.5, within(1e-12));
    }

    @Test
    void momentumZeroKeepsOnlyTheLastBatch() {
        RangeObserver o = observer(EstimatorFixtures.PER_TENSOR, Map.of(RunningMinMaxEstimator.MOMENTUM, 0.0));

        o.observe(Nd4j.createFromArray(-10.0, 10.0));
        o.observe(Nd4j.createFromArray(-1.0, 2.0));

        assertThat(o.range()).isEqualTo(Range.of(-1, 2));
    }

    @Test
    void perChannelAveragesEachChannelSeparately() {
        RangeObserver o = observer(EstimatorFixtures.perChannel(1), Map.of(RunningMinMaxEstimator.MOMENTUM, 0.5));

        o.observe(Nd4j.createFromArray(new double[][] {{0, 10}, {2, 20}}));
        o.observe(Nd4j.createFromArray(new double[][] {{-4, 30}, {6, 40}}));

        // channel 0: min (0 + -4) / 2, max (2 + 6) / 2; channel 1: min (10 + 30) / 2, max (20 + 40) / 2
        assertThat(o.range()).isEqualTo(new Range(new double[] {-2, 20}, new double[] {4, 30}));
    }
}
