package org.example.inlier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.RangeObserver;
import org.inlier.api.quant.SymmetricGrid;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class AciqLaplaceEstimatorTest {

    private final AciqLaplaceEstimator aciq = new AciqLaplaceEstimator();

    private RangeObserver observer(QuantScheme scheme, Map<String, ?> options) {
        return aciq.observer(scheme, null, Options.withDefaults(aciq.options(), options));
    }

    @Test
    void clippingMultiplesAreThePapersAtTwoThreeAndFourBits() {
        // Banner et al. 2019, section 4: alpha* = 2.83b, 3.89b, 5.03b for 2, 3, 4 bits.
        assertThat(AciqLaplaceEstimator.clippingMultiple(2)).isCloseTo(2.83, within(0.005));
        assertThat(AciqLaplaceEstimator.clippingMultiple(3)).isCloseTo(3.89, within(0.01));
        assertThat(AciqLaplaceEstimator.clippingMultiple(4)).isCloseTo(5.03, within(0.005));
        assertThat(AciqLaplaceEstimator.clippingMultiple(8)).isCloseTo(9.8968, within(1e-4));
    }

    @Test
    void clippingMultipleSolvesTheStationaryPointOfTheExpectedError() {
        for (int bits = 2; bits <= 16; bits++) {
            double t = AciqLaplaceEstimator.clippingMultiple(bits);
            // d/dt [2e^(-t) + t^2 / (3*4^M)] = 0  <=>  t e^t = 3*4^M
            assertThat(t * Math.exp(t) / (3 * Math.pow(4, bits))).as("%d bits", bits).isCloseTo(1.0, within(1e-12));
        }
    }

    @Test
    void rangeIsTheMeanPlusMinusTheClippingMultipleTimesTheLaplaceScale() {
        // 16 values: fourteen 3s, one 13 and one -7. Mean 3, variance (100 + 100) / 16 = 12.5,
        // so b = sqrt(12.5 / 2) = 2.5 and at 2 bits alpha = 2.5 * W(48) = 2.5 * 2.830683 = 7.076707.
        RangeObserver o = observer(QuantScheme.asymmetricPerTensor(2), Map.of());
        o.observe(Nd4j.createFromArray(new double[][] {{3, 3, 3, 13}, {3, 3, 3, 3}}));
        o.observe(Nd4j.createFromArray(3.0, 3, 3, 3, 3, 3, 3, -7));

        Range r = o.range();

        assertThat(r.min()[0]).isCloseTo(-4.076707473425584, within(1e-12));
        assertThat(r.max()[0]).isCloseTo(10.076707473425584, within(1e-12));
    }

    @Test
    void theRangeStopsAtTheObservedExtremesUnlessToldOtherwise() {
        double[] values = {3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 13, -7};
        // At 4 bits alpha = 2.5 * 5.028640 = 12.5716 reaches past both extremes.
        RangeObserver clipped = observer(QuantScheme.asymmetricPerTensor(4), Map.of());
        RangeObserver free = observer(QuantScheme.asymmetricPerTensor(4), Map.of(AciqLaplaceEstimator.CLIP_TO_OBSERVED, false));
        clipped.observe(Nd4j.createFromArray(values));
        free.observe(Nd4j.createFromArray(values));

        assertThat(clipped.range()).isEqualTo(Range.of(-7, 13));
        assertThat(free.range().min()[0]).isCloseTo(3 - 2.5 * 5.028640136236213, within(1e-12));
        assertThat(free.range().max()[0]).isCloseTo(3 + 2.5 * 5.028640136236213, within(1e-12));
    }

    @Test
    void batchesSplitDifferentlyGiveTheSameRange() {
        double[] values = {0.5, -1.25, 4, 2, -3, 0.75, 1.5, -0.5, 8, -2};
        RangeObserver whole = observer(QuantScheme.asymmetricPerTensor(3), Map.of(AciqLaplaceEstimator.CLIP_TO_OBSERVED, false));
        RangeObserver split = observer(QuantScheme.asymmetricPerTensor(3), Map.of(AciqLaplaceEstimator.CLIP_TO_OBSERVED, false));
        whole.observe(Nd4j.createFromArray(values));
        split.observe(Nd4j.createFromArray(0.5, -1.25, 4));
        split.observe(Nd4j.createFromArray(2.0, -3, 0.75, 1.5, -0.5, 8, -2));

        assertThat(split.range().min()[0]).isCloseTo(whole.range().min()[0], within(1e-12));
        assertThat(split.range().max()[0]).isCloseTo(whole.range().max()[0], within(1e-12));
    }

    @Test
    void perChannelSchemesGetOneRangePerChannel() {
        QuantScheme perColumn = new QuantScheme(2, true, Granularity.CHANNEL, 1, SymmetricGrid.RESTRICTED);
        RangeObserver o = observer(perColumn, Map.of(AciqLaplaceEstimator.CLIP_TO_OBSERVED, false));
        // Column 0 is {1, -1, 1, -1}: mean 0, std 1, b = 1/sqrt(2). Column 1 is constant 5: a zero-width range.
        o.observe(Nd4j.createFromArray(new double[][] {{1, 5}, {-1, 5}, {1, 5}, {-1, 5}}));

        Range r = o.range();

        double alpha = 2.8306829893702337 / Math.sqrt(2);
        assertThat(r.min()).containsExactly(new double[] {-alpha, 5}, within(1e-12));
        assertThat(r.max()).containsExactly(new double[] {alpha, 5}, within(1e-12));
    }

    @Test
    void rangeBeforeAnyBatchIsAnError() {
        assertThatThrownBy(() -> observer(QuantScheme.asymmetricPerTensor(8), Map.of()).range())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("nothing was observed");
    }
}
