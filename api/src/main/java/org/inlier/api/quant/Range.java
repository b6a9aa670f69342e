package org.inlier.api.quant;

import java.util.Arrays;

/**
 * Observed or chosen clipping range: one {@code [min, max]} per tensor, or one per channel.
 *
 * @param min lower bounds, length 1 for per-tensor ranges
 * @param max upper bounds, same length as {@code min}
 */
public record Range(double[] min, double[] max) {

    public Range {
        if (min.length != max.length || min.length == 0) {
            throw new IllegalArgumentException("min and max must have the same, non-zero length: " + min.length + " vs " + max.length);
        }
        min = min.clone();
        max = max.clone();
    }

    /** Lower bounds (a copy: records are shared between stages and must not change). */
    @Override
    public double[] min() {
        return min.clone();
    }

    /** Upper bounds (a copy). */
    @Override
    public double[] max() {
        return max.clone();
    }

    /** A single per-tensor range. */
    public static Range of(double min, double max) {
        return new Range(new double[] {min}, new double[] {max});
    }

    /** Whether this is one range for the whole tensor. */
    public boolean perTensor() {
        return min.length == 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Range r && Arrays.equals(min, r.min) && Arrays.equals(max, r.max);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(min) + Arrays.hashCode(max);
    }

    @Override
    public String toString() {
        return perTensor() ? "[" + min[0] + ", " + max[0] + "]" : "Range(" + min.length + " channels)";
    }
}
