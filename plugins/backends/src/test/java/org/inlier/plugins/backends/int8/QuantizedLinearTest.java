package org.inlier.plugins.backends.int8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.QuantizedTensor;
import org.inlier.api.quant.SymmetricGrid;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class QuantizedLinearTest {

    private static final Int8Gemm GEMM = new Int8Gemm(1);
    /** Input grid [0, 255], scale 0.5, zero-point 10: level 12 is 1.0, level 8 is −1.0. */
    private static final QuantParams INPUT = new QuantParams(QuantScheme.asymmetricPerTensor(8), new double[] {0.5}, new long[] {10});
    /** Output grid [0, 255], scale 0.25, zero-point 20. */
    private static final QuantParams OUTPUT = new QuantParams(QuantScheme.asymmetricPerTensor(8), new double[] {0.25}, new long[] {20});
    private static final int[] ROWS = {
        12, 8, 10,    // x = (1, −1, 0)
        10, 10, 10,   // x = 0: only the bias
        255, 0, 10};  // x = (122.5, −5, 0): beyond the output grid

    private static QuantizedTensor weight(byte[][] levels, QuantScheme scheme, double... scales) {
        return new QuantizedTensor(Nd4j.createFromArray(levels), new QuantParams(scheme, scales, new long[scales.length]));
    }

    private static QuantizedLinear perTensorLayer() {
        // W = 0.25 · levels = ((1, −2), (0.5, 1.5), (25, −25)); b = (0.375, −1), which is (1.5, −4) output steps of 0.25.
        QuantizedTensor w = weight(new byte[][] {{4, -8}, {2, 6}, {100, -100}}, QuantScheme.symmetricPerTensor(8), 0.25);
        return new QuantizedLinear(w, new float[] {0.375f, -1.0f}, INPUT, OUTPUT, GEMM);
    }

    @Test
    void accumulatorsAreTheZeroPointCorrectedProduct() {
        // Row 1: (2, −2, 0) · (4, 2, 100) = 4; (2, −2, 0) · (−8, 6, −100) = −28.
        // Row 3: (245, −10, 0) · … : 980 − 20 = 960 and −1960 − 60 = −2020.
        assertThat(perTensorLayer().accumulators(ROWS, 3)).containsExactly(4, -28, 0, 0, 960, -2020);
    }

    @Test
    void outputLevelsRoundTiesToEvenAndClampToTheOutputGrid() {
        // q_y = 20 + round(acc · 0.125 / 0.25 + b / 0.25), b / 0.25 = (1.5, −4): 20 + round(3.5) = 24, 20 − 18 = 2; 20 + round(1.5) = 22, 20 − 4 = 16;
        // 20 + 482 (481.5 to even) clamps to 255, 20 − 1014 clamps to 0.
        assertThat(perTensorLayer().forward(ROWS, 3)).containsExactly(24, 2, 22, 16, 255, 0);
    }

    @Test
    void fourBitPerChannelWeightsArePackedAndScaledPerColumn() {
        QuantScheme w4 = new QuantScheme(4, true, Granularity.CHANNEL, 1, SymmetricGrid.RESTRICTED);
        // Column scales 0.25 and 0.5: accumulator scales 0.125 and 0.25; b / s_y = (1.5, −4).
        QuantizedTensor w = weight(new byte[][] {{4, -8}, {2, 6}, {7, -7}}, w4, 0.25, 0.5);
        QuantParams symmetricOutput = new QuantParams(QuantScheme.symmetricPerTensor(8), new double[] {0.25}, new long[] {0});
        QuantizedLinear layer = new QuantizedLinear(w, new float[] {0.375f, -1.0f}, INPUT, symmetricOutput, GEMM);

        // (2, −2, 0) · (4, 2, 7) = 4 → round(4 · 0.125 / 0.25 + 1.5) = round(3.5) = 4;
        // (2, −2, 0) · (−8, 6, −7) = −28 → round(−28 · 0.25 / 0.25 − 4) = −32.
        assertThat(layer.forward(new int[] {12, 8, 10}, 1)).containsExactly(4, -32);
        assertThat(layer.weightBytes()).as("6 four-bit levels in 3 bytes").isEqualTo(3);
    }

    @Test
    void rejectsWhatItCannotExecuteAndInputOffTheGrid() {
        QuantizedTensor asymmetric = weight(new byte[][] {{1}}, QuantScheme.asymmetricPerTensor(8), 0.1);
        assertThatThrownBy(() -> new QuantizedLinear(asymmetric, new float[1], INPUT, OUTPUT, GEMM))
                .hasMessage("int8-jvm runs symmetric weights only (zero-point 0); this weight is asymmetric");
        QuantizedTensor w = weight(new byte[][] {{1}}, QuantScheme.symmetricPerTensor(8), 0.1);
        QuantParams perToken = new QuantParams(new QuantScheme(8, false, Granularity.TOKEN, -1, SymmetricGrid.RESTRICTED), new double[0], new long[0]);
        assertThatThrownBy(() -> new QuantizedLinear(w, new float[1], perToken, OUTPUT, GEMM))
                .hasMessage("int8-jvm needs per-tensor input parameters, got TOKEN");
        assertThatThrownBy(() -> new QuantizedLinear(w, new float[2], INPUT, OUTPUT, GEMM)).hasMessage("2 biases for 1 output columns");
        assertThatThrownBy(() -> perTensorLayer().forward(new int[] {12, 256, 10}, 1))
                .hasMessage("input level 256 at index 1 is off the grid [0, 255]");
    }
}
