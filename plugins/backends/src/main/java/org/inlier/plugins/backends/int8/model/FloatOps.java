package org.inlier.plugins.backends.int8.model;

/**
 * The operations int8-jvm runs in float32 on dequantised values, written to follow the ND4J ops
 * the model families build (same formulas, same order of float operations where it matters), so
 * that a value entering the next quantized site rounds to the simulation's level.
 */
final class FloatOps {

    /** Added to masked attention scores, as the model families do: softmax gives such keys no mass. */
    static final float MASKED = -1e9f;
    /** The sigmoid GELU's slope, {@code x·σ(1.702x)} (ND4J's {@code gelu}). */
    private static final float SIGMOID_GELU_SLOPE = 1.702f;
    private static final float SQRT_HALF = (float) Math.sqrt(0.5);

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

    /** Softmax over each row of {@code (rows, cols)}, in place: {@code exp(x − max) / Σ exp(x − max)}. */
    static void softmaxRows(float[] x, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, x[o + c]);
            }
            float sum = 0;
            for (int c = 0; c < cols; c++) {
                x[o + c] = (float) Math.exp(x[o + c] - max);
                sum += x[o + c];
            }
            for (int c = 0; c < cols; c++) {
                x[o + c] /= sum;
            }
        }
    }

    /** ND4J's GELU, the sigmoid approximation {@code x·σ(1.702x)} (decoder-clm), in place. */
    static void sigmoidGelu(float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] / (1f + (float) Math.exp(-SIGMOID_GELU_SLOPE * x[i]));
        }
    }

    /** BERT's exact GELU {@code 0.5·x·(1 + erf(x/√2))} in the encoder's order of operations, in place. */
    static void erfGelu(float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] * ((float) erf(x[i] * SQRT_HALF) + 1f) * 0.5f;
        }
    }

    /**
     * The error function, with fractional error below 1.2·10⁻⁷ everywhere (Press et al.,
     * Numerical Recipes, 2nd ed., §6.2, {@code erfcc}: a Chebyshev fit of erfc): float32 accuracy.
     */
    static double erf(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - erfc : erfc - 1;
    }
}
