package org.inlier.plugins.quantizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantizedTensor;
import org.inlier.api.quant.Range;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class UniformAffineQuantizerLevelsTest {

    private final UniformAffineQuantizer quantizer = new UniformAffineQuantizer();

    @Test
    void symmetricEightBitLevelsAreInt8AndRoundHalfToEven() {
        QuantParams p = quantizer.params(Schemes.symmetric(8), Range.of(-127, 127));

        QuantizedTensor q = quantizer.quantize(Nd4j.createFromArray(0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -300f, 300f), p);

        assertThat(q.values().dataType()).isEqualTo(DataType.INT8);
        assertThat(q.values().toLongVector()).containsExactly(0, 2, 2, 0, -2, -128, 127);
        assertThat(q.params()).isEqualTo(p);
    }

    @Test
    void asymmetricLevelsIncludeTheZeroPoint() {
        // [-1, 2] on 2 bits: scale 1, zero-point 1.
        QuantizedTensor q = quantizer.quantize(Nd4j.createFromArray(-3.0, -1.0, 0.0, 0.5, 1.5, 9.0),
                quantizer.params(Schemes.asymmetric(2), Range.of(-1, 2)));

        assertThat(q.values().dataType()).isEqualTo(DataType.INT8);
        assertThat(q.values().toLongVector()).containsExactly(0, 0, 1, 1, 3, 3);
    }

    @Test
    void levelTypeIsTheNarrowestIntegerTypeHoldingTheGrid() {
        assertThat(UniformAffineQuantizer.levelType(Schemes.symmetric(2))).isEqualTo(DataType.INT8);
        assertThat(UniformAffineQuantizer.levelType(Schemes.symmetric(8))).isEqualTo(DataType.INT8);
        assertThat(UniformAffineQuantizer.levelType(Schemes.asymmetric(7))).isEqualTo(DataType.INT8);
        assertThat(UniformAffineQuantizer.levelType(Schemes.asymmetric(8))).isEqualTo(DataType.INT16);
        assertThat(UniformAffineQuantizer.levelType(Schemes.symmetric(16))).isEqualTo(DataType.INT16);
        assertThat(UniformAffineQuantizer.levelType(Schemes.asymmetric(16))).isEqualTo(DataType.INT32);
    }

    @Test
    void asymmetricEightBitLevelsUseTheWholeUnsignedRangeInInt16() {
        QuantizedTensor q = quantizer.quantize(Nd4j.createFromArray(0.0, 127.5, 255.0, 300.0),
                quantizer.params(Schemes.asymmetric(8), Range.of(0, 255)));

        assertThat(q.values().dataType()).isEqualTo(DataType.INT16);
        assertThat(q.values().toLongVector()).containsExactly(0, 128, 255, 255);
    }

    @Test
    void asymmetricSixteenBitLevelsAreInt32() {
        QuantizedTensor q = quantizer.quantize(Nd4j.createFromArray(-1000.0, 0.0, 64535.0),
                quantizer.params(Schemes.asymmetric(16), Range.of(-1000, 64535)));

        assertThat(q.values().dataType()).isEqualTo(DataType.INT32);
        assertThat(q.values().toLongVector()).containsExactly(0, 1000, 65535);
    }

    @Test
    void perChannelLevelsUseEachChannelsScale() {
        QuantParams p = quantizer.params(Schemes.perChannel(4, true, 1), new Range(new double[] {-7, -70}, new double[] {7, 70}));
        INDArray x = Nd4j.createFromArray(new double[][] {{1.4, 14}, {2.5, 25}, {9, -100}});

        INDArray levels = quantizer.quantize(x, p).values();

        assertThat(levels.shape()).containsExactly(3, 2);
        assertThat(levels.reshape(6).toLongVector()).containsExactly(1, 1, 2, 2, 7, -8);
    }

    @Test
    void perTokenSchemesCannotBeQuantizedToFrozenLevels() {
        QuantParams p = quantizer.params(Schemes.perToken(8, true), Range.of(-1, 1));

        assertThatThrownBy(() -> quantizer.quantize(Nd4j.ones(2, 2), p)).isInstanceOf(IllegalArgumentException.class);
    }
}
