package org.inlier.runtime.metrics;

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

    /** Adds a batch {@code (B, ...)}: every slice along axis 0 is one sequence. */
    public void add(INDArray batch) {
        double[][] rows = batch.reshape(batch.size(0), -1).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix();
        for (double[] seq : rows) {
            double norm = infNorm(seq);
            infNormSum += norm;
            maxAbs = Math.max(maxAbs, norm);
            kurtosisSum += kurtosis(seq);
            sequences++;
        }
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
