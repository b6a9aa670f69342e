package org.inlier.api.quant;

/**
 * The two conventions for a symmetric grid found in the reference code; both use the signed
 * integer grid {@code [−2^(b−1), 2^(b−1)−1]}.
 */
public enum SymmetricGrid {
    /** {@code scale = absmax / (2^(b−1) − 1)}: +absmax maps to the largest positive level. */
    RESTRICTED,
    /** {@code scale = absmax / (2^(b−1) − 0.5)}: spreads absmax over the whole asymmetric signed grid. */
    HALF_STEP
}
