package org.inlier.benchmarks;

import java.util.Arrays;

/**
 * Durations of repeated runs of one thing, summarised by percentiles: medians and p10/p90
 * resist the outliers a shared 2-core machine produces, where means do not.
 */
public final class Samples {

    private final long[] nanos;
    private int count;

    /** Room for {@code capacity} samples. */
    public Samples(int capacity) {
        this.nanos = new long[capacity];
    }

    /** Adds one duration, in nanoseconds. */
    public void addNanos(long duration) {
        nanos[count++] = duration;
    }

    /** The last duration added, in nanoseconds. */
    public long lastNanos() {
        return nanos[count - 1];
    }

    /** The mean in seconds. */
    public double mean() {
        return Arrays.stream(nanos, 0, count).average().orElseThrow() / 1e9;
    }

    /** The median in seconds. */
    public double median() {
        return percentile(50);
    }

    /** The {@code p}-th percentile in seconds, interpolating linearly between ranks. */
    public double percentile(double p) {
        if (count == 0) {
            throw new IllegalStateException("no samples");
        }
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        double rank = p / 100 * (count - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, count - 1);
        return (sorted[below] + (rank - below) * (sorted[above] - sorted[below])) / 1e9;
    }
}
