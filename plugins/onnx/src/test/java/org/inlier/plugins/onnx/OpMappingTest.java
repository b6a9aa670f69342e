package org.inlier.plugins.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Single ops exported and run by ONNX Runtime, against hand-computed values. */
class OpMappingTest {

    @Test
    void layerNormOfARowWithTinyVarianceStandardisesToPlusMinusOneLikeNd4j() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 2);
        SDVariable ln = sd.nn.layerNorm("ln", x, sd.constant(Nd4j.ones(DataType.FLOAT, 2)), sd.constant(Nd4j.zeros(DataType.FLOAT, 2)), false, 1);
        // variance 2.5e-11 and 2.5e-13: an epsilon of 1e-5 would give ±0.0016 and ±0.00016
        INDArray rows = Nd4j.createFromArray(new float[][] {{0f, 1e-5f}, {0f, 1e-6f}});
        INDArray expected = Nd4j.createFromArray(new float[][] {{-1f, 1f}, {-1f, 1f}});
        assertThat(sd.output(Map.of("x", rows), "ln").get("ln").equalsWithEps(expected, 1e-3)).isTrue();
        assertThat(run(sd, "x", rows, ln.name()).equalsWithEps(expected, 1e-3)).isTrue();
    }

    @Test
    void geluIsNd4jsSigmoidApproximation() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1);
        SDVariable y = sd.nn.gelu("y", x);
        INDArray in = Nd4j.createFromArray(1f, -2f);
        INDArray got = run(sd, "x", in, y.name());
        // x·σ(1.702·x): 1·σ(1.702) = 0.845796, −2·σ(−3.404) = −0.064341 (the exact GELU: 0.841345, −0.045500)
        assertThat(got.getDouble(0)).isCloseTo(0.845796, offset(1e-5));
        assertThat(got.getDouble(1)).isCloseTo(-0.064341, offset(1e-5));
    }

    @Test
    void anUnmappedOpFailsNamingItAndTheMappedOnes() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 2);
        SDVariable y = sd.concat("y", 1, x, x);
        assertThatThrownBy(() -> OnnxExport.of(sd, null, List.of("x"), List.of(y.name()), "concat"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("op 'concat'").hasMessageContaining("no ONNX mapping").hasMessageContaining("layer_norm");
    }

    private static INDArray run(SameDiff sd, String input, INDArray value, String output) {
        OnnxExport export = OnnxExport.of(sd, null, List.of(input), List.of(output), "op");
        try (OnnxRuntimeModel ort = OnnxRuntimeModel.load(export.bytes(), 1, "op")) {
            return ort.run(Map.of(input, value), List.of(output)).get(output);
        }
    }
}
