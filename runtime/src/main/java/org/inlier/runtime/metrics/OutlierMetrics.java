package org.inlier.runtime.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The papers' outlier metrics of one activation tensor, per sequence and averaged over sequences
 * (Bondarenko et al. 2023, as in their reference code):
 * <ul>
 *   <li>∞-norm: {@code max |x|} over the sequence's tokens and features;</li>
 *   <li>kurtosis: {@code E[(x − μ)⁴] / (σ⁴ + 1e-6)} over the sequence's values, where the fourth
 *       moment is the plain mean and σ is the <em>unbiased</em> standard deviation (divides by n − 1).</li>
 * </ul>
 */
public final class OutlierMetrics {

    private double infNormSum;
    private double kurtosisSum;
    private double maxAbs;
    private long sequences;

    /** Adds a batch {@code (B, ...)} of unpadded sequences: every slice along axis 0 is one sequence. */
    public void add(INDArray batch) {
        add(batch, null);
    }

    /**
     * Adds a batch {@code (B, ...)}: every slice along axis 0 is one sequence. Token-major
     * activations {@code (B, T, D)} count only the real tokens' values when {@code mask} is given,
     * so padding neither lowers a sequence's kurtosis nor shows as its ∞-norm; other shapes
     * (attention scores {@code (B, H, T, T)}) are taken whole.
     *
     * @param mask {@code (B, T)}, 1 for a real token and 0 for padding, or {@code null} when nothing is padded
     */
    public void add(INDArray batch, INDArray mask) {
        boolean tokenMajor = mask != null && batch.rank() == 3 && batch.size(1) == mask.size(1);
        double[][] rows = batch.reshape(batch.size(0), -1).castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][] real = tokenMajor ? mask.castTo(DataType.DOUBLE).toDoubleMatrix() : null;
        for (int b = 0; b < rows.length; b++) {
            double[] seq = tokenMajor ? realTokens(rows[b], real[b]) : rows[b];
            if (seq.length == 0) {
                continue;
            }
            double norm = infNorm(seq);
            infNormSum += norm;
            maxAbs = Math.max(maxAbs, norm);
            kurtosisSum += kurtosis(seq);
            sequences++;
        }
    }

    /** The values of the tokens whose mask is 1, from one sequence's {@code (T·D)} row-major values. */
    private static double[] realTokens(double[] values, double[] mask) {
        int width = values.length / mask.length;
        int tokens = 0;
        for (double m : mask) {
            tokens += m > 0 ? 1 : 0;
        }
        double[] kept = new double[tokens * width];
        int at = 0;
        for (int t = 0; t < mask.length; t++) {
            if (mask[t] > 0) {
                System.arraycopy(values, t * width, kept, at, width);
                at += width;
            }
        }
        return kept;
    }

    /** The ∞-norm averaged over sequences. */
    public double meanInfNorm() {
        return sequences == 0 ? Double.NaN : infNormSum / sequences;
    }

    /** The kurtosis averaged over sequences. */
    public double meanKurtosis() {
        return sequences == 0 ? Double.NaN : kurtosisSum / sequences;
    }

    /** The largest |x| seen in any sequence. */
    public double maxAbs() {
        return maxAbs;
    }

    /** {@code max |x|}. */
    public static double infNorm(double[] x) {
        double m = 0;
        for (double v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** {@code E[(x − μ)⁴] / (σ⁴ + 1e-6)} with the unbiased σ. */
    public static double kurtosis(double[] x) {
        int n = x.length;
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= n;
        double m2 = 0;
        double m4 = 0;
        for (double v : x) {
            double d = v - mean;
            m2 += d * d;
            m4 += d * d * d * d;
        }
        double variance = n > 1 ? m2 / (n - 1) : 0;
        return (m4 / n) / (variance * variance + 1e-6);
    }
}
