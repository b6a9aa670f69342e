package org.inlier.plugins.quantizers.estimators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.RangeObserver;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class MinMaxEstimatorTest {

    private RangeObserver observer(QuantScheme scheme) {
        return EstimatorFixtures.observer(new MinMaxEstimator(), scheme, Map.of());
    }

    @Test
    void rangeIsTheMinimumAndMaximumOverAllBatches() {
        RangeObserver o = observer(EstimatorFixtures.PER_TENSOR);

        o.observe(Nd4j.createFromArray(new double[][] {{1, -2}, {3, 0}}));
        o.observe(Nd4j.createFromArray(5.0, 0.5));

        assertThat(o.range()).isEqualTo(Range.of(-2, 5));
    }

    @Test
    void perChannelOnAxisZeroGivesOneRangePerRow() {
        RangeObserver o = observer(EstimatorFixtures.perChannel(0));

        o.observe(Nd4j.createFromArray(new double[][] {{1, -2, 3}, {10, 20, 30}}));
        o.observe(Nd4j.createFromArray(new double[][] {{4, 0, 0}, {15, 5, 25}}));

        assertThat(o.range()).isEqualTo(new Range(new double[] {-2, 5}, new double[] {4, 30}));
    }

    @Test
    void perChannelOnAxisOneGivesOneRangePerColumn() {
        RangeObserver o = observer(EstimatorFixtures.perChannel(1));

        o.observe(Nd4j.createFromArray(new double[][][] {{{1, 2}, {-3, 4}}, {{5, -6}, {7, 8}}}));

        assertThat(o.range()).isEqualTo(new Range(new double[] {-6, -3}, new double[] {5, 8}));
    }

    @Test
    void perTokenSchemesFallBackToOnePerTensorRange() {
        RangeObserver o = observer(EstimatorFixtures.perToken());

        o.observe(Nd4j.createFromArray(new double[][] {{1, -2}, {3, 0}}));

        assertThat(o.range()).isEqualTo(Range.of(-2, 3));
    }

    @Test
    void rangeBeforeAnyBatchIsAnError() {
        assertThatThrownBy(() -> observer(EstimatorFixtures.PER_TENSOR).range()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aChangingChannelCountIsAnError() {
        RangeObserver o = observer(EstimatorFixtures.perChannel(0));
        o.observe(Nd4j.zeros(2, 3));

        assertThatThrownBy(() -> o.observe(Nd4j.zeros(3, 3))).isInstanceOf(IllegalArgumentException.class);
    }
}
