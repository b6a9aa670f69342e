package org.inlier.plugins.quantizers;

import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.SymmetricGrid;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Uniform affine quantization, written once over {@link Tensors}:
 * {@code q = clamp(rint(x / scale) + zeroPoint, qmin, qmax)}, {@code x̂ = (q − zeroPoint) · scale}.
 *
 * <p>Rounding is half to even throughout ({@code rint}), for levels and zero-points alike.
 */
final class AffineFormula {

    /**
     * The smallest scale ever used. A range of zero width (an all-zero tensor) would otherwise
     * divide by zero; 1e-8 keeps {@code x / scale} finite in FLOAT for any |x| below ~3e30 while
     * still mapping the all-zero tensor exactly onto level 0.
     */
    static final double MIN_SCALE = 1e-8;

    /** Scale and zero-point as tensors that broadcast against the quantized tensor. */
    record Params<T>(T scale, T zeroPoint) {
    }

    private AffineFormula() {
    }

    /**
     * The type the arithmetic runs in: FLOAT and DOUBLE stay as they are; half-precision and
     * integer tensors are computed in DOUBLE, wide enough for every level of 16 bits.
     */
    static DataType workingType(DataType input) {
        return input == DataType.FLOAT || input == DataType.DOUBLE ? input : DataType.DOUBLE;
    }

    /**
     * Scale and zero-point for element-wise ranges {@code [min, max]}.
     *
     * <p>Symmetric: zero-point 0, {@code scale = absmax / (2^(b−1) − 1)} (restricted grid) or
     * {@code absmax / (2^(b−1) − 0.5)} (half-step grid). Asymmetric: the range is first widened to
     * contain 0, {@code scale = (max' − min') / (2^b − 1)}, {@code zeroPoint = clamp(rint(−min' / scale), 0, 2^b − 1)}.
     * Either scale is at least {@link #MIN_SCALE}.
     */
    static <T> Params<T> params(Tensors<T> t, T min, T max, QuantScheme scheme) {
        if (scheme.symmetric()) {
            T absmax = t.max(t.abs(min), t.abs(max));
            T scale = t.max(t.div(absmax, t.scalar(symmetricDenominator(scheme))), t.scalar(MIN_SCALE));
            return new Params<>(scale, t.scalar(0));
        }
        T low = t.min(min, t.scalar(0));
        T high = t.max(max, t.scalar(0));
        T scale = t.max(t.div(t.sub(high, low), t.scalar(scheme.qmax())), t.scalar(MIN_SCALE));
        T zeroPoint = clamp(t, t.rint(t.div(t.neg(low), scale)), 0, scheme.qmax());
        return new Params<>(scale, zeroPoint);
    }

    /** Per-token parameters: the range of each row over the last axis, with the same rules as {@link #params}. */
    static <T> Params<T> tokenParams(Tensors<T> t, T x, QuantScheme scheme) {
        return params(t, t.minOverLastAxis(x), t.maxOverLastAxis(x), scheme);
    }

    /** Integer levels {@code clamp(rint(x / scale) + zeroPoint, qmin, qmax)}, still in the working data type. */
    static <T> T levels(Tensors<T> t, T x, Params<T> p, QuantScheme scheme) {
        return clamp(t, t.add(t.rint(t.div(x, p.scale())), p.zeroPoint()), scheme.qmin(), scheme.qmax());
    }

    /** Real values {@code (q − zeroPoint) · scale} of integer levels. */
    static <T> T dequantize(Tensors<T> t, T levels, Params<T> p) {
        return t.mul(t.sub(levels, p.zeroPoint()), p.scale());
    }

    /** {@code x̂}: levels mapped back to real values. */
    static <T> T fakeQuantize(Tensors<T> t, T x, Params<T> p, QuantScheme scheme) {
        return dequantize(t, levels(t, x, p, scheme), p);
    }

    private static <T> T clamp(Tensors<T> t, T v, double low, double high) {
        return t.min(t.max(v, t.scalar(low)), t.scalar(high));
    }

    private static double symmetricDenominator(QuantScheme scheme) {
        return scheme.grid() == SymmetricGrid.HALF_STEP ? scheme.qmax() + 0.5 : scheme.qmax();
    }
}
