package org.inlier.plugins.quantizers;

/**
 * The element-wise operations the affine quantization formula needs, over either eager arrays
 * or graph variables, so that {@link AffineFormula} is written once and both paths compute the
 * same thing in the same data type.
 *
 * <p>Binary operations broadcast numpy-style. Every value is in the working data type of the
 * tensor being quantized.
 *
 * @param <T> {@code INDArray} or {@code SDVariable}
 */
interface Tensors<T> {

    /** A rank-0 constant. */
    T scalar(double value);

    /**
     * Per-channel constants shaped to broadcast along {@code axis} of the tensor being quantized;
     * a single value becomes a scalar.
     */
    T alongAxis(double[] values, int axis);

    T add(T a, T b);

    T sub(T a, T b);

    T mul(T a, T b);

    T div(T a, T b);

    T neg(T a);

    T abs(T a);

    /** Rounds half to even. */
    T rint(T a);

    /** Element-wise maximum. */
    T max(T a, T b);

    /** Element-wise minimum. */
    T min(T a, T b);

    /** Maximum over the last axis, keeping it with size 1. */
    T maxOverLastAxis(T a);

    /** Minimum over the last axis, keeping it with size 1. */
    T minOverLastAxis(T a);
}
