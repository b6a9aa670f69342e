package org.inlier.plugins.backends.int8;

/** The plain-Java element-wise kernel: the definition the vector kernel is tested against, and the fallback without the Vector API. */
final class ScalarElementwiseKernel implements ElementwiseKernel {

    private static final float SQRT_HALF = (float) Math.sqrt(0.5);
    /** The sigmoid GELU's slope, {@code x·σ(1.702x)} (ND4J's {@code gelu}). */
    private static final float SIGMOID_GELU_SLOPE = 1.702f;
    /** {@link #erf}'s Chebyshev coefficients, innermost first (Horner's rule from the highest power). */
    static final double[] ERFC_COEFFICIENTS = {0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806,
        0.09678418, 0.37409196, 1.00002368};
    static final double ERFC_OFFSET = -1.26551223;

    @Override
    public void quantize(float[] values, int[] levels, ActivationGrid grid) {
        for (int i = 0; i < values.length; i++) {
            levels[i] = grid.level(values[i]);
        }
    }

    @Override
    public boolean toInt8(int[] levels, int shift, int min, int max, byte[] bytes) {
        return toInt8(levels, 0, shift, min, max, bytes);
    }

    /** {@link #toInt8(int[], int, int, int, byte[])} from index {@code from} on: the definition, and the vector kernel's tail. */
    static boolean toInt8(int[] levels, int from, int shift, int min, int max, byte[] bytes) {
        boolean inRange = true;
        for (int i = from; i < levels.length; i++) {
            inRange &= levels[i] >= min && levels[i] <= max;
            bytes[i] = (byte) (levels[i] - shift);
        }
        return inRange;
    }

    @Override
    public void requantise(int[] acc, Requantisation requantisation) {
        int columns = requantisation.columns();
        for (int i = 0; i < acc.length; i++) {
            acc[i] = requantisation.level(acc[i], i % columns);
        }
    }

    @Override
    public void dequantise(int[] acc, double[] scale, float[] bias, float[] y) {
        int columns = scale.length;
        for (int i = 0; i < acc.length; i++) {
            y[i] = dequantise(acc[i], scale[i % columns], bias[i % columns]);
        }
    }

    /** One accumulator's real value: the product in double, one rounding to float, then the bias. */
    static float dequantise(int acc, double scale, float bias) {
        return (float) (acc * scale) + bias;
    }

    @Override
    public void erfGelu(float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = erfGelu(x[i]);
        }
    }

    @Override
    public void sigmoidGelu(float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = sigmoidGelu(x[i]);
        }
    }

    @Override
    public void softmaxRows(float[] x, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, x[o + c]);
            }
            for (int c = 0; c < cols; c++) {
                x[o + c] = (float) Math.exp(x[o + c] - max);
            }
            float sum = sum(x, o, cols);
            for (int c = 0; c < cols; c++) {
                x[o + c] /= sum;
            }
        }
    }

    @Override
    public String description() {
        return "scalar element-wise ops";
    }

    static float erfGelu(float x) {
        return x * ((float) erf(x * SQRT_HALF) + 1f) * 0.5f;
    }

    static float sigmoidGelu(float x) {
        return x / (1f + (float) Math.exp(-SIGMOID_GELU_SLOPE * x));
    }

    /** The sum of {@code x[from .. from + count)}, left to right in float, as both kernels' softmax takes it. */
    static float sum(float[] x, int from, int count) {
        float sum = 0;
        for (int c = from; c < from + count; c++) {
            sum += x[c];
        }
        return sum;
    }

    /**
     * The error function, with fractional error below 1.2·10⁻⁷ everywhere (Press et al.,
     * Numerical Recipes, 2nd ed., §6.2, {@code erfcc}: a Chebyshev fit of erfc): float32 accuracy.
     */
    static double erf(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double polynomial = ERFC_COEFFICIENTS[0];
        for (int i = 1; i < ERFC_COEFFICIENTS.length; i++) {
            polynomial = ERFC_COEFFICIENTS[i] + t * polynomial;
        }
        double erfc = t * Math.exp(-z * z + ERFC_OFFSET + t * polynomial);
        return x >= 0 ? 1 - erfc : erfc - 1;
    }
}
