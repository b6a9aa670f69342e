package org.inlier.plugins.quantizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Fake quantization with the scale and zero-point fed as placeholders: one graph, many candidate parameters. */
class GraphParamsTest {

    private final UniformAffineQuantizer quantizer = new UniformAffineQuantizer();

    private static INDArray data(DataType type) {
        Nd4j.getRandom().setSeed(5);
        return Nd4j.randn(DataType.DOUBLE, 6, 7, 9).muli(3).castTo(type);
    }

    /** A graph quantizing placeholder {@code x} with placeholders {@code scale} and {@code zp}. */
    private SDVariable graph(SameDiff sd, DataType type, QuantScheme scheme) {
        SDVariable x = sd.placeHolder("x", type, -1, 7, 9);
        SDVariable scale = sd.placeHolder("scale", type);
        SDVariable zp = sd.placeHolder("zp", type);
        return quantizer.fakeQuantize(x, scale, zp, scheme, false);
    }

    private static Map<String, INDArray> feeds(INDArray x, QuantParams p) {
        DataType type = x.dataType();
        return Map.of("x", x, "scale", Nd4j.scalar(type, p.scale()[0]), "zp", Nd4j.scalar(type, (double) p.zeroPoint()[0]));
    }

    @Test
    void oneGraphFedWithEachCandidateEqualsTheFrozenFormExactly() {
        List<Range> candidates = List.of(Range.of(-9, 9.5), Range.of(-2.5, 3), Range.of(0.5, 4), Range.of(-4, -1), Range.of(0, 0));
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (QuantScheme scheme : List.of(Schemes.asymmetric(8), Schemes.asymmetric(4), Schemes.symmetric(6),
                    Schemes.symmetricHalfStep(3), Schemes.asymmetric(16))) {
                SameDiff sd = SameDiff.create();
                SDVariable fed = graph(sd, type, scheme);
                INDArray x = data(type);
                for (Range range : candidates) {
                    QuantParams p = quantizer.params(scheme, range);
                    SameDiff frozen = SameDiff.create();
                    INDArray expected = quantizer.fakeQuantize(frozen.constant("x", x), p, false).eval();

                    INDArray actual = sd.output(feeds(x, p), fed.name()).get(fed.name());

                    assertThat(actual).as("%s, %s bits %s, range %s", type, scheme.bits(), scheme.symmetric() ? "symmetric" : "asymmetric", range)
                            .isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void aZeroPointOffTheGridIsRoundedAndClamped() {
        QuantScheme scheme = Schemes.asymmetric(4); // levels 0 .. 15
        SameDiff sd = SameDiff.create();
        SDVariable fed = graph(sd, DataType.DOUBLE, scheme);
        INDArray x = Nd4j.createFromArray(new double[][][] {{{-3, -1, 0, 0.4, 2, 20, -20, 7, 1}}}).repeat(1, 7);
        for (double[] zp : new double[][] {{3.4, 3}, {2.5, 2}, {-4, 0}, {40, 15}}) {
            QuantParams rounded = new QuantParams(scheme, new double[] {0.5}, new long[] {(long) zp[1]});
            INDArray expected = quantizer.fakeQuantize(x, rounded);

            INDArray actual = sd.output(Map.of("x", x, "scale", Nd4j.scalar(0.5), "zp", Nd4j.scalar(zp[0])), fed.name()).get(fed.name());

            assertThat(actual).as("zero-point %s", zp[0]).isEqualTo(expected);
        }
    }

    @Test
    void rejectsPerChannelAndPerTokenSchemesAndParametersOfAnotherGraph() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", Nd4j.zeros(DataType.FLOAT, 2, 3));
        SDVariable scale = sd.var("s", Nd4j.scalar(1f));
        SDVariable zp = sd.var("z", Nd4j.scalar(0f));
        SDVariable foreign = SameDiff.create().var("s", Nd4j.scalar(1f));

        assertThatThrownBy(() -> quantizer.fakeQuantize(x, scale, zp, Schemes.perChannel(8, true, 1), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("per-tensor");
        assertThatThrownBy(() -> quantizer.fakeQuantize(x, scale, zp, Schemes.perToken(8, false), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("per-tensor");
        assertThatThrownBy(() -> quantizer.fakeQuantize(x, foreign, zp, Schemes.asymmetric(8), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("graph");
    }
}
