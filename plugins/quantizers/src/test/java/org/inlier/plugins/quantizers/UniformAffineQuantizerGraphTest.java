package org.inlier.plugins.quantizers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.SymmetricGrid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class UniformAffineQuantizerGraphTest {

    private final UniformAffineQuantizer quantizer = new UniformAffineQuantizer();

    /** Random FLOAT data of shape [4, 3, 5] with some values outside every range below. */
    private static INDArray data() {
        Nd4j.getRandom().setSeed(7);
        return Nd4j.randn(DataType.FLOAT, 4, 3, 5).muli(2);
    }

    static Stream<Arguments> schemes() {
        Range tensor = Range.of(-2.5, 3);
        Range axis0 = new Range(new double[] {-1, -2, -3, -4}, new double[] {1, 2, 3, 4});
        Range axis1 = new Range(new double[] {-3, -0.5, 0}, new double[] {1, 2, 0.25});
        Range axis2 = new Range(new double[] {-1, -2, -3, -4, -5}, new double[] {5, 4, 3, 2, 1});
        return Stream.of(
                Arguments.of("per tensor, symmetric", Schemes.symmetric(4), tensor),
                Arguments.of("per tensor, half-step", new QuantScheme(3, true, Granularity.TENSOR, 0, SymmetricGrid.HALF_STEP), tensor),
                Arguments.of("per tensor, asymmetric", Schemes.asymmetric(8), tensor),
                Arguments.of("per tensor, 16 bits", Schemes.asymmetric(16), tensor),
                Arguments.of("per channel, axis 0", Schemes.perChannel(4, true, 0), axis0),
                Arguments.of("per channel, axis 1", Schemes.perChannel(3, false, 1), axis1),
                Arguments.of("per channel, axis -2", Schemes.perChannel(3, false, -2), axis1),
                Arguments.of("per channel, axis 2", Schemes.perChannel(2, true, 2), axis2),
                Arguments.of("per token, symmetric", Schemes.perToken(4, true), tensor),
                Arguments.of("per token, asymmetric", Schemes.perToken(3, false), tensor));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemes")
    void graphFakeQuantizationEqualsEagerOnAVariableOfKnownShape(String name, QuantScheme scheme, Range range) {
        QuantParams p = quantizer.params(scheme, range);
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", data());

        INDArray expected = quantizer.fakeQuantize(data(), p);

        assertThat(quantizer.fakeQuantize(x, p, false).eval()).isEqualTo(expected);
        assertThat(quantizer.fakeQuantize(x, p, true).eval()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemes")
    void graphFakeQuantizationEqualsEagerOnAnOpOutputOfUnknownShape(String name, QuantScheme scheme, Range range) {
        QuantParams p = quantizer.params(scheme, range);
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", data()).mul(1.0);

        assertThat(quantizer.fakeQuantize(x, p, true).eval()).isEqualTo(quantizer.fakeQuantize(data(), p));
    }

    @Test
    void graphRoundsExactHalvesToEvenInFloatAndDouble() {
        QuantParams p = quantizer.params(Schemes.symmetric(16), Range.of(-32767, 32767));
        double[] x = {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 32766.5, -32767.5, 1e9, -1e9};
        double[] expected = {0, 2, 2, 0, -2, -2, 32766, -32768, 32767, -32768};

        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            SameDiff sd = SameDiff.create();
            INDArray y = quantizer.fakeQuantize(sd.var("x", Nd4j.createFromArray(x).castTo(type)), p, true).eval();

            assertThat(y.dataType()).isEqualTo(type);
            assertThat(y.toDoubleVector()).as("%s", type).containsExactly(expected);
        }
    }

    @Test
    void graphMatchesEagerFarOutsideTheRange() {
        // A zero-width range makes x / scale as large as 1e10: the graph's rounding is exact only
        // up to 2^22, but such values are clamped to the grid's ends either way.
        QuantParams p = quantizer.params(Schemes.asymmetric(8), Range.of(0, 0));
        INDArray x = Nd4j.createFromArray(100f, -100f, 0f, 5e-8f, 3e-6f, -3e-6f);

        INDArray graph = quantizer.fakeQuantize(SameDiff.create().var("x", x), p, false).eval();

        assertThat(graph).isEqualTo(quantizer.fakeQuantize(x, p));
    }

    @Test
    void halfPrecisionInputIsQuantizedInDoubleAndReturnedInHalfPrecision() {
        QuantParams p = quantizer.params(Schemes.symmetric(8), Range.of(-127, 127));
        INDArray x = Nd4j.createFromArray(0.5, 1.5, 2.5, 300).castTo(DataType.FLOAT16);

        INDArray eager = quantizer.fakeQuantize(x, p);
        INDArray graph = quantizer.fakeQuantize(SameDiff.create().var("x", x), p, true).eval();

        assertThat(eager.dataType()).isEqualTo(DataType.FLOAT16);
        assertThat(eager.toDoubleVector()).containsExactly(0, 2, 2, 127);
        assertThat(graph).isEqualTo(eager);
    }

    /** d/dx of sum(w ⊙ fq(x)) with the straight-through estimator. */
    private INDArray steGradient(INDArray x, INDArray w, QuantParams p) {
        return steGradient(x, w, p, false);
    }

    /** As {@link #steGradient(INDArray, INDArray, QuantParams)}, optionally through an op output of unknown shape. */
    private INDArray steGradient(INDArray x, INDArray w, QuantParams p, boolean opOutput) {
        SameDiff sd = SameDiff.create();
        SDVariable input = opOutput ? sd.var("x", x).mul(1.0) : sd.var("x", x);
        SDVariable loss = quantizer.fakeQuantize(input, p, true).mul(sd.constant(w)).sum();
        sd.setLossVariables(loss);
        Map<String, INDArray> gradients = sd.calculateGradients(Map.of(), "x");
        return gradients.get("x");
    }

    @Test
    void straightThroughGradientIsTheUpstreamGradientInsideTheRangeAndZeroOutside() {
        // 2 bits restricted, absmax 2: scale 2, representable range [-4, 2] with both ends inside.
        QuantParams p = quantizer.params(Schemes.symmetric(2), Range.of(-2, 2));
        INDArray x = Nd4j.createFromArray(-5f, -4f, -1f, 0.7f, 2f, 3f);
        INDArray w = Nd4j.createFromArray(1f, 2f, 3f, 4f, 5f, 6f);

        assertThat(steGradient(x, w, p).toFloatVector()).containsExactly(0f, 2f, 3f, 4f, 5f, 0f);
    }

    @Test
    void straightThroughGradientUsesEachChannelsRange() {
        // 4 bits restricted: channel 0 represents [-8, 7], channel 1 [-80, 70].
        QuantParams p = quantizer.params(Schemes.perChannel(4, true, 1), new Range(new double[] {-7, -70}, new double[] {7, 70}));
        INDArray x = Nd4j.createFromArray(new float[][] {{-9, 65}, {3, 75}});
        INDArray w = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}});

        INDArray gradient = steGradient(x, w, p);

        assertThat(gradient.reshape(4).toFloatVector()).containsExactly(0f, 2f, 3f, 0f);
    }

    @Test
    void straightThroughGradientUsesEachChannelsRangeOnAnOpOutputOfUnknownShape() {
        // Channels along axis 0 this time: row 0 represents [-8, 7], row 1 [-80, 70].
        QuantParams p = quantizer.params(Schemes.perChannel(4, true, 0), new Range(new double[] {-7, -70}, new double[] {7, 70}));
        INDArray x = Nd4j.createFromArray(new float[][] {{-9, 3}, {65, 75}});
        INDArray w = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}});

        INDArray gradient = steGradient(x, w, p, true);

        assertThat(gradient.reshape(4).toFloatVector()).containsExactly(0f, 2f, 3f, 0f);
    }

    @Test
    void straightThroughGradientPassesEveryValueOfAPerTokenRow() {
        INDArray x = Nd4j.createFromArray(new float[][] {{127, 0.5f, -1.5f}, {63.5f, 0.25f, -0.75f}});
        INDArray w = Nd4j.createFromArray(new float[][] {{1, 2, 3}, {4, 5, 6}});

        INDArray gradient = steGradient(x, w, quantizer.params(Schemes.perToken(8, true), Range.of(0, 0)));

        assertThat(gradient).isEqualTo(w);
    }
}
