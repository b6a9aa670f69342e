package org.inlier.plugins.backends.int8;

import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;

/**
 * A quantized activation site's per-tensor grid, {@code q = clamp(rint(x / s) + z, qmin, qmax)} and
 * {@code x̂ = (q − z) · s}, computed in float32 in the simulation's order (scale as a float,
 * division, rint, zero-point, clamp), so a float value entering a site gets the simulation's level.
 */
public final class ActivationGrid {

    /** int8-jvm's widest activation: levels of asymmetric 8-bit grids (0..255) still shift into int8. */
    public static final int MAX_BITS = 8;

    private final float scale;
    private final int zeroPoint;
    private final int qmin;
    private final int qmax;

    private ActivationGrid(float scale, int zeroPoint, int qmin, int qmax) {
        this.scale = scale;
        this.zeroPoint = zeroPoint;
        this.qmin = qmin;
        this.qmax = qmax;
    }

    /**
     * The grid of a site's frozen parameters.
     *
     * @param site named in the error
     * @throws IllegalArgumentException if the parameters are not per tensor or have more than {@value #MAX_BITS} bits
     */
    public static ActivationGrid of(String site, QuantParams params) {
        if (params.scheme().granularity() != Granularity.TENSOR || params.scale().length != 1) {
            throw new IllegalArgumentException("backend 'int8-jvm' runs activation sites per tensor; site '" + site + "' is per "
                    + params.scheme().granularity().name().toLowerCase());
        }
        if (params.scheme().bits() > MAX_BITS) {
            throw new IllegalArgumentException("backend 'int8-jvm' runs activations of at most " + MAX_BITS + " bits; site '"
                    + site + "' has " + params.scheme().bits());
        }
        return new ActivationGrid((float) params.scale()[0], (int) params.zeroPoint()[0], (int) params.scheme().qmin(),
                (int) params.scheme().qmax());
    }

    /** The levels of real values, {@code levels[i]} of {@code values[i]}, on the fastest {@link ElementwiseKernel}. */
    public void levels(float[] values, int[] levels) {
        if (levels.length != values.length) {
            throw new IllegalArgumentException(levels.length + " levels for " + values.length + " values");
        }
        ElementwiseKernel.FASTEST.quantize(values, levels, this);
    }

    /** The level of a real value: the definition. */
    public int level(float x) {
        float level = (float) Math.rint(x / scale) + zeroPoint;
        return (int) Math.min(Math.max(level, qmin), qmax);
    }

    /** The real value of a level, as the simulation's {@code x̂}. */
    public float value(int level) {
        return (level - zeroPoint) * scale;
    }

    /** The scale {@code s}. */
    public float scale() {
        return scale;
    }

    /** The zero-point {@code z}. */
    public int zeroPoint() {
        return zeroPoint;
    }

    /** The smallest level. */
    public int qmin() {
        return qmin;
    }

    /** The largest level. */
    public int qmax() {
        return qmax;
    }
}
