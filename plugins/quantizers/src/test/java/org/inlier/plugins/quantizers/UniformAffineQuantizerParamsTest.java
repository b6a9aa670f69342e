package org.inlier.plugins.quantizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.Range;
import org.junit.jupiter.api.Test;

class UniformAffineQuantizerParamsTest {

    private final UniformAffineQuantizer quantizer = new UniformAffineQuantizer();

    @Test
    void symmetricRestrictedGridMapsAbsmaxOntoTheLargestPositiveLevel() {
        QuantParams p = quantizer.params(Schemes.symmetric(8), Range.of(-1, 2));

        assertThat(p.scale()).containsExactly(2.0 / 127);
        assertThat(p.zeroPoint()).containsExactly(0);
    }

    @Test
    void symmetricHalfStepGridDividesAbsmaxByHalfALevelMore() {
        QuantParams p = quantizer.params(Schemes.symmetricHalfStep(8), Range.of(-1, 2));

        assertThat(p.scale()).containsExactly(2.0 / 127.5);
        assertThat(p.zeroPoint()).containsExactly(0);
    }

    @Test
    void twoBitSymmetricGridsHaveOneAndOneAndAHalfPositiveSteps() {
        assertThat(quantizer.params(Schemes.symmetric(2), Range.of(-3, 1)).scale()).containsExactly(3.0);
        assertThat(quantizer.params(Schemes.symmetricHalfStep(2), Range.of(-3, 1)).scale()).containsExactly(2.0);
    }

    @Test
    void sixteenBitGridsSpanTheirFullIntegerRange() {
        assertThat(quantizer.params(Schemes.symmetric(16), Range.of(-32767, 0)).scale()).containsExactly(1.0);
        assertThat(quantizer.params(Schemes.symmetricHalfStep(16), Range.of(0, 32767.5)).scale()).containsExactly(1.0);

        QuantParams asymmetric = quantizer.params(Schemes.asymmetric(16), Range.of(-1000, 64535));
        assertThat(asymmetric.scale()).containsExactly(1.0);
        assertThat(asymmetric.zeroPoint()).containsExactly(1000);
    }

    @Test
    void asymmetricScaleSpreadsTheRangeOverAllLevelsAndZeroPointMapsZero() {
        QuantParams p = quantizer.params(Schemes.asymmetric(2), Range.of(-1, 2));

        assertThat(p.scale()).containsExactly(1.0);
        assertThat(p.zeroPoint()).containsExactly(1);
    }

    @Test
    void asymmetricAllNegativeRangeIsWidenedUpToZero() {
        QuantParams p = quantizer.params(Schemes.asymmetric(8), Range.of(-4, -2));

        assertThat(p.scale()[0]).isCloseTo(4.0 / 255, within(1e-15));
        assertThat(p.zeroPoint()).containsExactly(255);
    }

    @Test
    void asymmetricAllPositiveRangeIsWidenedDownToZero() {
        QuantParams p = quantizer.params(Schemes.asymmetric(8), Range.of(2, 4));

        assertThat(p.scale()).containsExactly(4.0 / 255);
        assertThat(p.zeroPoint()).containsExactly(0);
    }

    @Test
    void zeroPointRoundsHalfToEven() {
        // 2 bits, scale (max - min) / 3 = 1, so the zero-point is rint(-min).
        assertThat(quantizer.params(Schemes.asymmetric(2), Range.of(-0.5, 2.5)).zeroPoint()).containsExactly(0);
        assertThat(quantizer.params(Schemes.asymmetric(2), Range.of(-1.5, 1.5)).zeroPoint()).containsExactly(2);
        assertThat(quantizer.params(Schemes.asymmetric(2), Range.of(-2.5, 0.5)).zeroPoint()).containsExactly(2);
    }

    @Test
    void zeroWidthRangeGetsTheMinimumScaleInsteadOfDividingByZero() {
        QuantParams symmetric = quantizer.params(Schemes.symmetric(8), Range.of(0, 0));
        QuantParams asymmetric = quantizer.params(Schemes.asymmetric(8), Range.of(0, 0));

        assertThat(symmetric.scale()).containsExactly(AffineFormula.MIN_SCALE);
        assertThat(asymmetric.scale()).containsExactly(AffineFormula.MIN_SCALE);
        assertThat(asymmetric.zeroPoint()).containsExactly(0);
    }

    @Test
    void aSingleValueRangeIsNotZeroWidthOnceWidenedToZero() {
        QuantParams p = quantizer.params(Schemes.asymmetric(8), Range.of(3, 3));

        assertThat(p.scale()).containsExactly(3.0 / 255);
        assertThat(p.zeroPoint()).containsExactly(0);
    }

    @Test
    void perChannelRangesGivePerChannelParameters() {
        Range symmetricRange = new Range(new double[] {-7, -1, 0}, new double[] {7, 70, 0});
        Range asymmetricRange = new Range(new double[] {-6, -1, 0}, new double[] {9, 74, 0});

        QuantParams symmetric = quantizer.params(Schemes.perChannel(4, true, 0), symmetricRange);
        QuantParams asymmetric = quantizer.params(Schemes.perChannel(4, false, 1), asymmetricRange);

        assertThat(symmetric.scale()).containsExactly(1.0, 10.0, AffineFormula.MIN_SCALE);
        assertThat(symmetric.zeroPoint()).containsExactly(0, 0, 0);
        assertThat(asymmetric.scale()).containsExactly(1.0, 5.0, AffineFormula.MIN_SCALE);
        assertThat(asymmetric.zeroPoint()).containsExactly(6, 0, 0);
    }

    @Test
    void perTokenSchemesHaveNoFrozenParameters() {
        QuantParams p = quantizer.params(Schemes.perToken(8, false), Range.of(-1, 1));

        assertThat(p.scale()).isEmpty();
        assertThat(p.zeroPoint()).isEmpty();
    }
}
