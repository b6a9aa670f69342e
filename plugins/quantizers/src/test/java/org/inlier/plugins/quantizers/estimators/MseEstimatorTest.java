package org.inlier.plugins.quantizers.estimators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.RangeObserver;
import org.inlier.api.quant.SymmetricGrid;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The cases use 2-bit symmetric restricted grids (levels {-2, -1, 0, 1}, scale = absmax) and four
 * candidates, factors 1, 0.75, 0.5 and 0.25 of the min-max range, so the errors are worked by hand:
 * for ten 1s and one 4, squared errors are 10 (scale 4), 11 (scale 3), 14 (scale 2; 0.5 rounds
 * to 0) and 9 (scale 1; 4 clips to 1).
 */
class MseEstimatorTest {

    private static final QuantScheme TWO_BITS = QuantScheme.symmetricPerTensor(2);

    private static RangeObserver observer(QuantScheme scheme, double p) {
        return EstimatorFixtures.observer(new MseEstimator(), scheme, Map.of(MseEstimator.CANDIDATES, 4, MseEstimator.P, p));
    }

    private static double[] ones(int count, double... rest) {
        double[] values = new double[count + rest.length];
        Arrays.fill(values, 0, count, 1.0);
        System.arraycopy(rest, 0, values, count, rest.length);
        return values;
    }

    @Test
    void picksTheCandidateWithTheLeastSquaredError() {
        RangeObserver o = observer(TWO_BITS, 2);

        o.observe(Nd4j.createFromArray(ones(10, 4)));

        assertThat(o.range()).isEqualTo(Range.of(0.25, 1));
    }

    @Test
    void keepsTheFullRangeWhenClippingTheOutlierCostsMore() {
        // five 1s: errors 5 (scale 4) against 9 (scale 1)
        RangeObserver o = observer(TWO_BITS, 2);

        o.observe(Nd4j.createFromArray(ones(5, 4)));

        assertThat(o.range()).isEqualTo(Range.of(1, 4));
    }

    @Test
    void theNormExponentChangesTheChoice() {
        // five 1s and one 4: with p = 1 the errors are 5 (scale 4), 6, 7 and 3 (scale 1)
        RangeObserver o = observer(TWO_BITS, 1);

        o.observe(Nd4j.createFromArray(ones(5, 4)));

        assertThat(o.range()).isEqualTo(Range.of(0.25, 1));
    }

    @Test
    void perChannelPicksAFactorForEachChannel() {
        // row 0: ten 1s and a 4 -> 0.25; row 1: five 1s, a 4 and five 0s (exact at any scale) -> 1
        QuantScheme scheme = new QuantScheme(2, true, Granularity.CHANNEL, 0, SymmetricGrid.RESTRICTED);
        RangeObserver o = observer(scheme, 2);

        o.observe(Nd4j.createFromArray(new double[][] {ones(10, 4), ones(5, 4, 0, 0, 0, 0, 0)}));

        assertThat(o.range()).isEqualTo(new Range(new double[] {0.25, 0}, new double[] {1, 4}));
    }

    @Test
    void theShrunkRangeIsMeasuredAgainstAllBatches() {
        RangeObserver o = observer(TWO_BITS, 2);

        o.observe(Nd4j.createFromArray(ones(5)));
        o.observe(Nd4j.createFromArray(ones(5, 4)));

        assertThat(o.range()).isEqualTo(Range.of(0.25, 1));
    }
}
