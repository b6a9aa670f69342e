package org.inlier.plugins.suppression;

import java.util.Arrays;
import java.util.List;
import org.inlier.api.quant.Range;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The largest and the smallest value of every token of one calibration batch at one site, sorted:
 * what Token-Wise Clipping's coarse stage takes quantiles of (Wei et al. 2022). A token is a
 * vector along the last (hidden) axis, as {@link org.inlier.api.site.QuantizationSite} lays
 * activations out: {@code (B, T, D)} gives {@code B·T} tokens; attention scores
 * {@code (B, H, T, T)} give one per batch entry, head and query.
 */
final class TokenExtrema {

    private final double[] maxima;
    private final double[] minima;

    private TokenExtrema(double[] maxima, double[] minima) {
        this.maxima = maxima;
        this.minima = minima;
    }

    /**
     * The extrema of every token of a batch.
     *
     * @param x one batch of a site, features on the last axis; not modified
     */
    static TokenExtrema of(INDArray x) {
        INDArray tokens = x.reshape(-1, x.size(x.rank() - 1)); // (tokens, D)
        double[] maxima = tokens.max(1).toDoubleVector();
        double[] minima = tokens.min(1).toDoubleVector();
        Arrays.sort(maxima);
        Arrays.sort(minima);
        return new TokenExtrema(maxima, minima);
    }

    /** The upper clip of this batch: the α-quantile of the token maxima. */
    double upper(double alpha) {
        return quantile(maxima, alpha);
    }

    /** The lower clip of this batch: the (1 − α)-quantile of the token minima. */
    double lower(double alpha) {
        return quantile(minima, 1 - alpha);
    }

    /**
     * A site's clipping range for one α: the per-batch clips averaged over the batches, as in the
     * paper's coarse stage. For {@code α ≥ 0.5} the lower clip never exceeds the upper one, since
     * each token's minimum is at most its maximum.
     *
     * @param batches the extrema of each calibration batch, at least one
     */
    static Range range(List<TokenExtrema> batches, double alpha) {
        double lower = batches.stream().mapToDouble(b -> b.lower(alpha)).average().orElseThrow();
        double upper = batches.stream().mapToDouble(b -> b.upper(alpha)).average().orElseThrow();
        return Range.of(lower, upper);
    }

    /**
     * The {@code q}-quantile of ascending values with linear interpolation between the two nearest
     * ranks (numpy's and {@code torch.quantile}'s default, which the paper's reference code uses).
     */
    static double quantile(double[] sorted, double q) {
        double index = q * (sorted.length - 1);
        int below = (int) Math.floor(index);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (index - below);
    }
}
