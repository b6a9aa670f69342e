package org.inlier.api.quant;

import java.util.Arrays;
import java.util.Objects;

/**
 * Frozen quantization parameters: {@code q = clamp(round(x / scale) + zeroPoint, qmin, qmax)},
 * {@code x̂ = (q − zeroPoint) · scale}.
 *
 * @param scheme    the scheme the parameters were computed for
 * @param scale     one scale per tensor (length 1) or per channel; empty for per-token schemes,
 *                  whose parameters are computed on the fly
 * @param zeroPoint integer zero-points, same length as {@code scale}
 */
public record QuantParams(QuantScheme scheme, double[] scale, long[] zeroPoint) {

    public QuantParams {
        Objects.requireNonNull(scheme, "scheme");
        if (scale.length != zeroPoint.length) {
            throw new IllegalArgumentException("scale and zeroPoint lengths differ: " + scale.length + " vs " + zeroPoint.length);
        }
        scale = scale.clone();
        zeroPoint = zeroPoint.clone();
    }

    /** Scales (a copy: frozen parameters must not change). */
    @Override
    public double[] scale() {
        return scale.clone();
    }

    /** Zero-points (a copy). */
    @Override
    public long[] zeroPoint() {
        return zeroPoint.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantParams p && scheme.equals(p.scheme) && Arrays.equals(scale, p.scale)
                && Arrays.equals(zeroPoint, p.zeroPoint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, Arrays.hashCode(scale), Arrays.hashCode(zeroPoint));
    }

    @Override
    public String toString() {
        return scale.length == 1 ? "QuantParams(" + scheme.bits() + " bits, scale " + scale[0] + ", zp " + zeroPoint[0] + ")"
                : "QuantParams(" + scheme.bits() + " bits, " + scale.length + " channels)";
    }
}
