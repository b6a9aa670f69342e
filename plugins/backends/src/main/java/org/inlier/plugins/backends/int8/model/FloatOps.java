package org.inlier.plugins.backends.int8.model;

/**
 * The operations int8-jvm runs in float32 on dequantised values, written to follow the ND4J ops
 * the model families build (same formulas, same order of float operations where it matters), so
 * that a value entering the next quantized site rounds to the simulation's level. GELU and softmax
 * are element-wise kernels ({@link org.inlier.plugins.backends.int8.ElementwiseKernel}).
 */
final class FloatOps {

    /** Added to masked attention scores, as the model families do: softmax gives such keys no mass. */
    static final float MASKED = -1e9f;

    private FloatOps() {
    }

    /**
     * LayerNorm over each row: {@code γ (x − mean) / σ + β} with the population standard deviation,
     * as ND4J's {@code layer_norm} (its {@code standardize} adds no epsilon). Mean and variance are
     * summed in double.
     *
     * @param x {@code (rows, cols)} row-major
     */
    static float[] layerNorm(float[] x, int rows, int cols, float[] gamma, float[] beta) {
        float[] y = new float[x.length];
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                sum += x[o + c];
            }
            float mean = (float) (sum / cols);
            double squares = 0;
            for (int c = 0; c < cols; c++) {
                double d = x[o + c] - mean;
                squares += d * d;
            }
            float std = (float) Math.sqrt(squares / cols);
            for (int c = 0; c < cols; c++) {
                y[o + c] = (x[o + c] - mean) / std * gamma[c] + beta[c];
            }
        }
        return y;
    }
}
