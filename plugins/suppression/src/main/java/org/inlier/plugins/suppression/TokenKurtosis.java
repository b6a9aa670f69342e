package org.inlier.plugins.suppression;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The kurtosis of every token's feature vector, as graph operations:
 * {@code k = E[(x − μ)⁴] / (σ⁴ + ε)} with the mean {@code μ}, the expectation and {@code σ} taken
 * over the last (hidden) axis.
 *
 * <p>{@code σ} is the population (biased) standard deviation, {@code σ² = E[(x − μ)²]}, the same
 * kind of moment as the fourth: {@code k} is then the plain ratio of moments (3 for Gaussian
 * features, 1.8 for uniform ones, at least 1 (up to ε) for any non-constant token) and a smooth function of
 * {@code x}. The unbiased {@code σ} would only rescale {@code k} by {@code ((D − 1)/D)²} (1.6% at
 * {@code D = 128}). The runtime's outlier metric is a different quantity: one kurtosis per
 * sequence, over all its tokens' features, with the unbiased σ, as in the papers' reference code.
 * {@code ε = 1e-6}, as in Bondarenko et al. (2023), gives a constant token the kurtosis 0 instead
 * of a division by zero.
 */
final class TokenKurtosis {

    /** Added to σ⁴ so that a token whose features are all equal does not divide by zero. */
    static final double EPSILON = 1e-6;

    private TokenKurtosis() {
    }

    /**
     * The kurtosis of every vector along the last axis.
     *
     * @param x activations {@code (B, T, D)}, or any shape with the features last
     * @return {@code (B, T)}: {@code x}'s shape without its last axis, in {@code x}'s data type
     */
    static SDVariable of(SDVariable x) {
        SameDiff sd = x.getSameDiff();
        // Reduced without keepDims, then expanded: in ND4J 1.0.0-M2.1 a reduction over axis -1 with
        // keepDims = true returns wrong values for rank 3 and more.
        SDVariable mean = sd.expandDims(sd.mean(x, false, -1), -1); // (B, T, 1)
        SDVariable centred = x.sub(mean); // (B, T, D)
        SDVariable squared = centred.mul(centred);
        SDVariable variance = sd.mean(squared, false, -1); // (B, T)
        SDVariable fourth = sd.mean(squared.mul(squared), false, -1); // (B, T)
        return fourth.div(variance.mul(variance).add(EPSILON));
    }
}
