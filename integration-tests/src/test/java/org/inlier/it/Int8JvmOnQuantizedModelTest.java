package org.inlier.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantizedTensor;
import org.inlier.plugins.backends.int8.Int8Gemm;
import org.inlier.plugins.backends.int8.QuantizedLinear;
import org.inlier.plugins.backends.int8.QuantizedModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * int8-jvm runs the linear layers of a model the CLI trained, calibrated and quantized, loaded
 * from the quantize stage's file, on random input levels. Against the definition computed in
 * double precision, measured when the bias was still rounded to the int32 accumulator grid: 2 of
 * 6 144 output levels one apart, none further (the fixed-point bias can only bring it closer).
 */
class Int8JvmOnQuantizedModelTest {

    private static final int ROWS = 48;

    @TempDir
    Path dir;

    @Test
    void linearLayersFromTheQuantizeStagesFileGiveTheDefinitionsLevelsWithinOne() throws Exception {
        Path pipeline = Files.writeString(dir.resolve("quantize.yaml"), """
                seed: 3
                model: { family: decoder-clm, layers: 1, hidden: 32, heads: 2, ffn: 64, seq: 16 }
                data: { set: text-file, path: "%s" }
                backend: { id: nd4j-cpu, threads: 1 }
                stages:
                  - train: { steps: 20, batch: 8, lr: 1.0e-2, warmup: 2 }
                  - calibrate: { batches: 2, batch: 8 }
                  - quantize: { weights: { bits: 8, granularity: channel }, activations: { bits: 8 } }
                """.formatted(TinyPipelines.text(dir).toAbsolutePath()));
        CliResult result = CliResult.in(dir, "run", pipeline.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        Path run;
        try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
            run = runs.findFirst().orElseThrow();
        }
        QuantizedModelFile model = QuantizedModelFile.load(run.resolve("quantized-w8a8.zip"));

        Random random = new Random(5);
        Int8Gemm gemm = new Int8Gemm(1);
        int compared = 0;
        int offByOne = 0;
        for (List<String> linear : List.of(
                List.of("layer.0.attn.q", "layer.0.ln1.out", "layer.0.attn.q"),
                List.of("layer.0.attn.v", "layer.0.ln1.out", "layer.0.attn.v"),
                List.of("layer.0.attn.out", "layer.0.attn.context", "layer.0.attn.out"),
                List.of("layer.0.ffn.fc2", "layer.0.ffn.hidden", "layer.0.ffn.out"))) {
            QuantizedLinear layer = model.linear(linear.get(0), linear.get(1), linear.get(2), gemm);
            QuantParams input = model.params(linear.get(1));
            int[] levels = random.ints((long) ROWS * layer.in(), (int) input.scheme().qmin(), (int) input.scheme().qmax() + 1).toArray();

            int[] actual = layer.forward(levels, ROWS);

            int[] expected = definition(model, linear, levels);
            for (int e = 0; e < expected.length; e++) {
                assertThat(Math.abs(actual[e] - expected[e])).as("%s output %d", linear.get(0), e).isLessThanOrEqualTo(1);
                offByOne += Math.abs(actual[e] - expected[e]);
            }
            compared += expected.length;
        }
        assertThat((double) offByOne / compared).as("%d of %d levels off by one", offByOne, compared).isLessThan(0.01);
    }

    /**
     * {@code clamp(rint((x̂ Ŵ + b) / s_y) + z_y)} in double precision, from the file's integer
     * weights; the file's float weights must round to those integers.
     */
    private static int[] definition(QuantizedModelFile model, List<String> linear, int[] inputLevels) {
        QuantizedTensor weight = model.weight(linear.get(0) + ".weight");
        double[] scales = weight.params().scale();
        INDArray levels = weight.values().castTo(DataType.DOUBLE);
        INDArray floats = model.floatArray(linear.get(0) + ".weight").castTo(DataType.DOUBLE);
        int in = (int) levels.size(0);
        int out = (int) levels.size(1);
        double[][] w = new double[in][out];
        for (int k = 0; k < in; k++) {
            for (int j = 0; j < out; j++) {
                w[k][j] = levels.getDouble(k, j) * scales[j];
                assertThat(Math.abs(floats.getDouble(k, j) - w[k][j])).as("weight (%d, %d) rounds to its level", k, j)
                        .isLessThanOrEqualTo(scales[j] / 2 * (1 + 1e-6));
            }
        }
        float[] bias = model.floatArray(linear.get(0) + ".bias").toFloatVector();
        QuantParams input = model.params(linear.get(1));
        QuantParams output = model.params(linear.get(2));
        int rows = inputLevels.length / in;
        int[] result = new int[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < out; j++) {
                double y = bias[j];
                for (int k = 0; k < in; k++) {
                    y += (inputLevels[r * in + k] - input.zeroPoint()[0]) * input.scale()[0] * w[k][j];
                }
                double q = Math.rint(y / output.scale()[0]) + output.zeroPoint()[0];
                result[r * out + j] = (int) Math.max(output.scheme().qmin(), Math.min(output.scheme().qmax(), q));
            }
        }
        return result;
    }
}
