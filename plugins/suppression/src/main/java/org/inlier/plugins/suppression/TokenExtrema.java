package org.inlier.plugins.suppression;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.inlier.api.quant.Range;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The largest and the smallest value of every real token of one calibration batch at one site,
 * sorted: what Token-Wise Clipping's coarse stage takes quantiles of (Wei et al. 2022). A token is a
 * vector along the last (hidden) axis, as {@link org.inlier.api.site.QuantizationSite} lays
 * activations out: {@code (B, T, D)} gives {@code B·T} tokens; attention scores
 * {@code (B, H, T, T)} give one per batch entry, head and query, over the keys.
 *
 * <p>Padding is removed as the paper does, with the batch's token mask {@code (B, T)} (1 = token):
 * a {@code (B, T, D)} site keeps the rows of real tokens; attention scores keep the rows of real
 * queries and take their extrema over real keys only. A site of another layout keeps every row.
 */
final class TokenExtrema {

    /** Added to (subtracted from) the scores of padding keys so that they never win a maximum (minimum). */
    private static final double EXCLUDED = 1e30;

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
        return of(x, null);
    }

    /**
     * The extrema of the real tokens of a batch.
     *
     * @param x    one batch of a site, features on the last axis; not modified
     * @param mask the batch's token mask {@code (B, T)}, 1 = token, 0 = padding; {@code null} keeps every token
     * @throws IllegalArgumentException if the mask leaves no token
     */
    static TokenExtrema of(INDArray x, INDArray mask) {
        long[] shape = x.shape();
        boolean tokens = mask != null && x.rank() == 3 && mask.rank() == 2 && shape[0] == mask.size(0) && shape[1] == mask.size(1);
        boolean scores = mask != null && x.rank() == 4 && mask.rank() == 2 && shape[0] == mask.size(0)
                && shape[2] == mask.size(1) && shape[3] == mask.size(1);
        double[] maxima;
        double[] minima;
        double[] keep = null;
        if (scores) {
            // (B, 1, 1, T): 0 at real keys, 1 at padding keys, broadcast over heads and queries.
            INDArray padding = mask.castTo(x.dataType()).rsub(1).reshape(shape[0], 1, 1, shape[3]).broadcast(shape);
            INDArray rowsForMax = x.add(padding.mul(-EXCLUDED)).reshape(-1, shape[3]);
            INDArray rowsForMin = x.add(padding.mul(EXCLUDED)).reshape(-1, shape[3]);
            maxima = rowsForMax.max(1).toDoubleVector();
            minima = rowsForMin.min(1).toDoubleVector();
            // Row (b, h, q) is kept when query q of entry b is a token.
            keep = mask.castTo(DataType.DOUBLE).reshape(shape[0], 1, shape[2]).broadcast(shape[0], shape[1], shape[2]).dup()
                    .reshape(-1).toDoubleVector();
        } else {
            INDArray rows = x.reshape(-1, x.size(x.rank() - 1)); // (tokens, D)
            maxima = rows.max(1).toDoubleVector();
            minima = rows.min(1).toDoubleVector();
            if (tokens) {
                keep = mask.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
            }
        }
        if (keep != null) {
            maxima = kept(maxima, keep);
            minima = kept(minima, keep);
        }
        if (maxima.length == 0) {
            throw new IllegalArgumentException("the token mask leaves no token in a batch of shape " + Arrays.toString(shape));
        }
        Arrays.sort(maxima);
        Arrays.sort(minima);
        return new TokenExtrema(maxima, minima);
    }

    /** The values whose mask entry is non-zero. */
    private static double[] kept(double[] values, double[] mask) {
        return IntStream.range(0, values.length).filter(i -> mask[i] != 0).mapToDouble(i -> values[i]).toArray();
    }

    /** How many tokens the extrema were taken over. */
    int tokens() {
        return maxima.length;
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
