package org.inlier.plugins.backends.int8;

/**
 * The element-wise work between int8-jvm's integer products: quantizing float results to a site's
 * grid, requantising accumulators, and the float ops that follow ND4J's (GELU, softmax). The
 * {@link ScalarElementwiseKernel scalar kernel} is the definition; the Vector API one gives the
 * same results, except that its {@code exp} is the JDK's vector intrinsic rather than
 * {@link Math#exp}, which may differ in the last bit of a double and so, rarely, in the last bit
 * of the float result.
 */
public interface ElementwiseKernel {

    /** The fastest this JVM offers, chosen as {@link Int8Gemm}'s kernel is. */
    ElementwiseKernel FASTEST = VectorApi.choose(() -> new VectorElementwiseKernel(), ScalarElementwiseKernel::new).implementation();

    /** Writes {@code levels[i]} = the level of {@code values[i]} on {@code grid} ({@link ActivationGrid#level}). */
    void quantize(float[] values, int[] levels, ActivationGrid grid);

    /**
     * Writes {@code bytes[i] = (byte) (levels[i] − shift)}: levels as an integer product's int8 operand.
     *
     * @return whether every level lies in {@code [min, max]} (if not, {@code bytes} holds no meaning)
     */
    boolean toInt8(int[] levels, int shift, int min, int max, byte[] bytes);

    /** Requantises {@code acc}, whole rows of {@code requantisation}'s columns, in place. */
    void requantise(int[] acc, Requantisation requantisation);

    /**
     * Real values of accumulators, {@code y = (float) (acc · scale_j) + bias_j} for column {@code j} of
     * whole rows: the product in double, one rounding to float, then the bias.
     */
    void dequantise(int[] acc, double[] scale, float[] bias, float[] y);

    /** BERT's exact GELU {@code 0.5·x·(1 + erf(x/√2))} in the encoder's order of operations, in place. */
    void erfGelu(float[] x);

    /** ND4J's GELU, the sigmoid approximation {@code x·σ(1.702x)} (decoder-clm), in place. */
    void sigmoidGelu(float[] x);

    /** Softmax over each row of {@code (rows, cols)}, in place: {@code exp(x − max) / Σ exp(x − max)}, summed left to right. */
    void softmaxRows(float[] x, int rows, int cols);

    /** Which kernel, with how many lanes, for the log. */
    String description();
}
