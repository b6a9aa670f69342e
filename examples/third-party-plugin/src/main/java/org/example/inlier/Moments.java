package org.example.inlier;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Count, mean, sum of squared deviations, minimum and maximum of every row seen so far, merged
 * batch by batch with Chan et al.'s parallel update, so the result does not depend on how the data
 * was split into batches and large means do not cancel the variance.
 */
final class Moments {

    private long count;
    private double[] mean;
    private double[] squaredDeviations;
    private double[] min;
    private double[] max;

    /** Includes a batch laid out as {@code [rows, n]}. */
    void include(INDArray rows) {
        long n = rows.size(1);
        double[] batchMean = rows.mean(1).toDoubleVector();
        INDArray deviations = rows.subColumnVector(rows.mean(true, 1)); // [rows, n]
        double[] batchM2 = deviations.mul(deviations).sum(1).toDoubleVector();
        double[] batchMin = rows.min(1).toDoubleVector();
        double[] batchMax = rows.max(1).toDoubleVector();
        if (mean == null) {
            count = n;
            mean = batchMean;
            squaredDeviations = batchM2;
            min = batchMin;
            max = batchMax;
            return;
        }
        if (batchMean.length != mean.length) {
            throw new IllegalArgumentException("the number of channels changed between batches: " + mean.length + " then " + batchMean.length);
        }
        long total = count + n;
        for (int c = 0; c < mean.length; c++) {
            double delta = batchMean[c] - mean[c];
            mean[c] += delta * n / total;
            squaredDeviations[c] += batchM2[c] + delta * delta * count * n / total;
            min[c] = Math.min(min[c], batchMin[c]);
            max[c] = Math.max(max[c], batchMax[c]);
        }
        count = total;
    }

    int channels() {
        requireObserved();
        return mean.length;
    }

    double mean(int c) {
        return mean[c];
    }

    /** The population standard deviation (the maximum-likelihood one). */
    double std(int c) {
        return Math.sqrt(squaredDeviations[c] / count);
    }

    double min(int c) {
        return min[c];
    }

    double max(int c) {
        return max[c];
    }

    private void requireObserved() {
        if (mean == null) {
            throw new IllegalStateException("nothing was observed");
        }
    }
}
