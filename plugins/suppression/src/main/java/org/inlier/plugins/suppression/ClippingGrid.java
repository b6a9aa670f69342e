package org.inlier.plugins.suppression;

/**
 * The α candidates of Token-Wise Clipping's coarse stage: {@code 1, 1 − step, 1 − 2·step, …},
 * {@code count} of them, searched downwards from no clipping (Wei et al. 2022).
 *
 * <p>Lower bit widths get more candidates, reaching lower α: a coarser grid makes every
 * outlier cost more resolution, so stronger clipping pays. {@code candidates} is the count at 8
 * bits and more; below, it grows to {@code ⌈candidates · 8 / bits⌉} (6 bits: ×1.33, 4 bits: ×2).
 * The paper's reference code scales faster: with its step of about 0.01 it spans α down by 0.1,
 * 0.3 and 0.9 at 8, 6 and 4 bits, re-scoring the whole model on every candidate; this grid keeps
 * the cost of low bit widths within a few times that of 8 bits. α never goes below
 * {@value #LOWEST_ALPHA}: there the lower clip (the (1 − α)-quantile of the token minima) could
 * pass the upper one.
 *
 * @param step  the distance between candidates
 * @param count the number of candidates, at least 1
 * @param first {@code null}, or the one α of a grid of a single given candidate
 */
record ClippingGrid(double step, int count, Double first) {

    /** The smallest α searched. */
    static final double LOWEST_ALPHA = 0.5;

    /** The bit width at and above which the grid has exactly the given number of candidates. */
    static final int FULL_BITS = 8;

    ClippingGrid {
        if (!(step > 0) || count < 1) {
            throw new IllegalArgumentException("step must be positive and count at least 1: " + step + ", " + count);
        }
    }

    /** The grid {@code 1, 1 − step, …}. */
    ClippingGrid(double step, int count) {
        this(step, count, null);
    }

    /**
     * The grid for a bit width.
     *
     * @param step       the distance between candidates, in {@code (0, 0.5]}
     * @param candidates the number of candidates at 8 bits and more
     * @param bits       the lowest activation bit width among the clipped sites
     */
    static ClippingGrid of(double step, int candidates, int bits) {
        int wanted = bits >= FULL_BITS ? candidates : (int) Math.ceil(candidates * (double) FULL_BITS / bits);
        int reachable = (int) Math.floor((1 - LOWEST_ALPHA) / step + 1e-9) + 1;
        return new ClippingGrid(step, Math.min(wanted, reachable));
    }

    /** A grid of the single candidate α: its step is {@code 1 − α} (1 for α = 1). */
    static ClippingGrid single(double alpha) {
        if (!(alpha >= LOWEST_ALPHA && alpha <= 1)) {
            throw new IllegalArgumentException("α must be in [" + LOWEST_ALPHA + ", 1], got " + alpha);
        }
        return new ClippingGrid(alpha == 1 ? 1 : 1 - alpha, 1, alpha);
    }

    /** The k-th candidate, {@code 1 − k · step}, or the single α of {@link #single}. */
    double alpha(int k) {
        return first != null ? first : 1 - k * step;
    }
}
