package org.inlier.runtime.report;

import java.util.List;

/**
 * A metric over repeated runs (seeds): mean and sample standard deviation, as the papers report
 * post-training quantization over several seeds. Serialised to JSON as its three fields.
 *
 * @param mean the mean
 * @param std  the sample standard deviation (n - 1 in the denominator); 0 for a single value
 * @param n    how many values
 */
public record MeanStd(double mean, double std, int n) {

    /** The mean and standard deviation of at least one value. */
    public static MeanStd of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a mean needs at least one value");
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return new MeanStd(mean, values.size() > 1 ? Math.sqrt(squares / (values.size() - 1)) : 0, values.size());
    }

    /** {@code mean ± std}, both formatted like every other number of a report. */
    @Override
    public String toString() {
        return Tables.format(mean) + " ± " + Tables.format(std);
    }
}
