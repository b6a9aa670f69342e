package org.inlier.plugins.quantizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class UniformAffineQuantizerEagerTest {

    private final UniformAffineQuantizer quantizer = new UniformAffineQuantizer();

    private INDArray fakeQuantize(QuantScheme scheme, Range range, double... x) {
        return quantizer.fakeQuantize(Nd4j.createFromArray(x), quantizer.params(scheme, range));
    }

    private static void assertValues(INDArray actual, double... expected) {
        assertThat(actual.toDoubleVector()).containsExactly(expected, within(1e-12));
    }

    private static void assertRows(INDArray actual, double[]... expected) {
        assertThat(actual.shape()).containsExactly(expected.length, expected[0].length);
        for (int r = 0; r < expected.length; r++) {
            assertThat(actual.getRow(r).toDoubleVector()).as("row %d", r).containsExactly(expected[r], within(1e-12));
        }
    }

    @Test
    void roundsExactHalvesToTheNearestEvenLevel() {
        // absmax 127 on the 8-bit restricted grid: scale 1, so levels are rint(x).
        INDArray y = fakeQuantize(Schemes.symmetric(8), Range.of(-127, 127), 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5);

        assertValues(y, 0, 2, 2, 0, -2, -2, 4);
    }

    @Test
    void clampsToTheSignedGridWhichHasOneMoreNegativeLevel() {
        INDArray y = fakeQuantize(Schemes.symmetric(8), Range.of(-127, 127), 200, -200, -128.4, 126.6);

        assertValues(y, 127, -128, -128, 127);
    }

    @Test
    void asymmetricGridIsShiftedByTheZeroPointAndClamped() {
        // range [-1, 2] on 2 bits: scale 1, zero-point 1, values {-1, 0, 1, 2}.
        INDArray y = fakeQuantize(Schemes.asymmetric(2), Range.of(-1, 2), -3, -0.4, 0.6, 1.5, 5);

        assertValues(y, -1, 0, 1, 2, 2);
    }

    @Test
    void asymmetricGridRepresentsZeroExactly() {
        INDArray y = fakeQuantize(Schemes.asymmetric(8), Range.of(-0.3, 1.7), 0);

        assertThat(y.getDouble(0)).isZero();
    }

    @Test
    void allEqualTensorIsReproduced() {
        assertValues(fakeQuantize(Schemes.asymmetric(8), Range.of(3, 3), 3, 3, 3), 3, 3, 3);
        assertValues(fakeQuantize(Schemes.symmetric(8), Range.of(-2, -2), -2, -2), -2, -2);
    }

    @Test
    void allNegativeTensorUsesARangeWidenedToZero() {
        // [-4, -1] widens to [-4, 0]: 4 bits, scale 4/15, zero-point 15.
        INDArray y = fakeQuantize(Schemes.asymmetric(4), Range.of(-4, -1), -4, -3, -1, 0);

        assertValues(y, -4, -11 * 4.0 / 15, -4 * 4.0 / 15, 0);
    }

    @Test
    void aSingleHugeOutlierCollapsesEverySmallValueToZero() {
        INDArray y = fakeQuantize(Schemes.symmetric(8), Range.of(-0.2, 1000), 0.1, -0.2, 0.3, 1000);

        assertValues(y, 0, 0, 0, 1000);
    }

    @Test
    void symmetricConventionsDifferOnTwoBits() {
        double[] x = {-5, -3, -1, 1, 3, 5};

        // restricted: scale 3, values {-6, -3, 0, 3}; half-step: scale 2, values {-4, -2, 0, 2}.
        assertValues(fakeQuantize(Schemes.symmetric(2), Range.of(-3, 3), x), -6, -3, 0, 0, 3, 3);
        assertValues(fakeQuantize(Schemes.symmetricHalfStep(2), Range.of(-3, 3), x), -4, -4, 0, 0, 2, 2);
    }

    @Test
    void sixteenBitsRoundsTiesToEvenAndClampsToTheWideGrid() {
        assertValues(fakeQuantize(Schemes.symmetric(16), Range.of(-32767, 32767), 1.5, 2.5, 40000, -40000),
                2, 2, 32767, -32768);
        assertValues(fakeQuantize(Schemes.asymmetric(16), Range.of(0, 65535), 0.5, 1.5, 70000, -3),
                0, 2, 65535, 0);
    }

    @Test
    void zeroWidthRangeKeepsZerosExactAndEverythingFinite() {
        assertValues(fakeQuantize(Schemes.symmetric(8), Range.of(0, 0), 0, 0), 0, 0);
        assertValues(fakeQuantize(Schemes.asymmetric(8), Range.of(0, 0), 0, 1, -1), 0, 255e-8, 0);
    }

    @Test
    void perChannelOnAxisZeroScalesEachRow() {
        // 4 bits restricted: channel 0 scale 1, channel 1 scale 10; levels in [-8, 7].
        QuantParams p = quantizer.params(Schemes.perChannel(4, true, 0), new Range(new double[] {-7, -70}, new double[] {7, 70}));
        INDArray x = Nd4j.createFromArray(new double[][] {{1.4, 2.5, 9}, {14, 25, -100}});

        assertRows(quantizer.fakeQuantize(x, p), new double[] {1, 2, 7}, new double[] {10, 20, -80});
    }

    @Test
    void perChannelOnAxisOneScalesEachColumn() {
        Range range = new Range(new double[] {-7, -70}, new double[] {7, 70});
        INDArray x = Nd4j.createFromArray(new double[][] {{1.4, 14}, {2.5, 25}, {9, -100}});
        double[][] expected = {{1, 10}, {2, 20}, {7, -80}};

        assertRows(quantizer.fakeQuantize(x, quantizer.params(Schemes.perChannel(4, true, 1), range)), expected);
        assertRows(quantizer.fakeQuantize(x, quantizer.params(Schemes.perChannel(4, true, -1), range)), expected);
    }

    @Test
    void perChannelOnAMiddleAxisOfARankThreeTensor() {
        QuantParams p = quantizer.params(Schemes.perChannel(4, true, 1), new Range(new double[] {-7, -70}, new double[] {7, 70}));
        INDArray x = Nd4j.createFromArray(new double[][][] {{{1.4, 9}, {14, -100}}, {{-2.5, 0.2}, {25, 66}}});

        INDArray y = quantizer.fakeQuantize(x, p);

        assertThat(y.reshape(8).toDoubleVector()).containsExactly(new double[] {1, 7, 10, -80, -2, 0, 20, 70}, within(1e-12));
    }

    @Test
    void perChannelParametersMustMatchTheChannelCount() {
        QuantParams p = quantizer.params(Schemes.perChannel(8, true, 0), new Range(new double[] {-1, -1, -1}, new double[] {1, 1, 1}));

        assertThatThrownBy(() -> quantizer.fakeQuantize(Nd4j.zeros(DataType.FLOAT, 2, 3), p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 per-channel parameters");
    }

    @Test
    void perTokenSymmetricScalesEachRowByItsOwnAbsmax() {
        // row 0: absmax 127, scale 1; row 1: absmax 63.5, scale 0.5.
        INDArray x = Nd4j.createFromArray(new double[][] {{127, 0.5, -1.5}, {63.5, 0.25, -0.75}});

        INDArray y = quantizer.fakeQuantize(x, quantizer.params(Schemes.perToken(8, true), Range.of(0, 0)));

        assertRows(y, new double[] {127, 0, -2}, new double[] {63.5, 0, -1});
    }

    @Test
    void perTokenAsymmetricWidensEachRowToZero() {
        // row 0: [-1, 2] -> scale 1, zero-point 1; row 1: [0, 3] -> scale 1, zero-point 0.
        INDArray x = Nd4j.createFromArray(new double[][] {{-1, 0.4, 2}, {0.5, 1.5, 3}});

        INDArray y = quantizer.fakeQuantize(x, quantizer.params(Schemes.perToken(2, false), Range.of(0, 0)));

        assertRows(y, new double[] {-1, 0, 2}, new double[] {0, 2, 3});
    }

    @Test
    void perTokenAllZeroRowStaysZero() {
        INDArray x = Nd4j.createFromArray(new double[][] {{0, 0}, {1, -1}});

        INDArray y = quantizer.fakeQuantize(x, quantizer.params(Schemes.perToken(8, true), Range.of(0, 0)));

        assertRows(y, new double[] {0, 0}, new double[] {1, -1});
    }

    @Test
    void keepsTheInputUnchangedAndItsFloatingPointType() {
        INDArray x = Nd4j.createFromArray(0.5f, 1.5f);

        INDArray y = quantizer.fakeQuantize(x, quantizer.params(Schemes.symmetric(8), Range.of(-127, 127)));

        assertThat(y.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(y.toFloatVector()).containsExactly(0f, 2f);
        assertThat(x.toFloatVector()).containsExactly(0.5f, 1.5f);
    }

    @Test
    void integerInputIsQuantizedInDouble() {
        INDArray y = quantizer.fakeQuantize(Nd4j.createFromArray(3, 5), quantizer.params(Schemes.symmetric(2), Range.of(-2, 2)));

        assertThat(y.dataType()).isEqualTo(DataType.DOUBLE);
        assertValues(y, 2, 2);
    }
}
