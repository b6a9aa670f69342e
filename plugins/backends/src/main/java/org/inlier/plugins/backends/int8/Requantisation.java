package org.inlier.plugins.backends.int8;

import java.util.Arrays;

/**
 * Int32 accumulators of a row-major {@code (rows, columns)} block requantised to an output grid,
 * column {@code j} by its own {@link FixedPointMultiplier} and real offset:
 * {@code q = clamp(zero + M_j(acc, addend_j), min, max)}, halves to even. Runs on the fastest
 * {@link ElementwiseKernel}.
 */
public final class Requantisation {

    private final FixedPointMultiplier[] multipliers;
    final long[] addends;
    final long zero;
    final long min;
    final long max;
    /** Per column, the multipliers' parts as longs, for {@link VectorElementwiseKernel}'s 64-bit lanes. */
    final long[] multiplier;
    final long[] shift;

    /**
     * @param multipliers per column
     * @param addends     per column, in the units of its multiplier ({@link FixedPointMultiplier#addend})
     * @param zero        the output grid's zero-point
     * @param min         its smallest level
     * @param max         its largest level
     */
    Requantisation(FixedPointMultiplier[] multipliers, long[] addends, long zero, long min, long max) {
        if (addends.length != multipliers.length) {
            throw new IllegalArgumentException(addends.length + " addends for " + multipliers.length + " multipliers");
        }
        this.multipliers = multipliers.clone();
        this.addends = addends.clone();
        this.zero = zero;
        this.min = min;
        this.max = max;
        this.multiplier = new long[multipliers.length];
        this.shift = new long[multipliers.length];
        for (int j = 0; j < multipliers.length; j++) {
            multiplier[j] = multipliers[j].multiplier();
            shift[j] = multipliers[j].shift();
        }
    }

    /** The same multiplier in every one of {@code columns} columns, no offset: a per-tensor requantisation. */
    static Requantisation perTensor(FixedPointMultiplier multiplier, int columns, ActivationGrid output) {
        FixedPointMultiplier[] multipliers = new FixedPointMultiplier[columns];
        Arrays.fill(multipliers, multiplier);
        return new Requantisation(multipliers, new long[columns], output.zeroPoint(), output.qmin(), output.qmax());
    }

    /** Columns of the block. */
    int columns() {
        return multipliers.length;
    }

    /** Requantises {@code acc}, {@code (rows, columns)} row-major, in place. */
    public void apply(int[] acc) {
        if (acc.length % columns() != 0) {
            throw new IllegalArgumentException(acc.length + " accumulators are no whole rows of " + columns());
        }
        ElementwiseKernel.FASTEST.requantise(acc, this);
    }

    /** The definition: the level of accumulator {@code acc} in column {@code column}. */
    int level(int acc, int column) {
        long level = zero + multipliers[column].apply(acc, addends[column]);
        return (int) Math.min(Math.max(level, min), max);
    }
}
