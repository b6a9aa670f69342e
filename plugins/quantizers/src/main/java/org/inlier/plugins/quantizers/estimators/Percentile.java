package org.inlier.plugins.quantizers.estimators;

/** Percentiles with linear interpolation, as numpy's default {@code method='linear'}. */
final class Percentile {

    private Percentile() {
    }

    /**
     * The {@code percent}-th percentile of ascending {@code sorted} values: the value at the
     * fractional index {@code (percent / 100) · (n − 1)}, interpolated between its two neighbours
     * the way numpy does (from the nearer neighbour's side, for the same rounding).
     *
     * @param sorted  values in ascending order, at least one
     * @param percent in [0, 100]
     */
    static double linear(float[] sorted, double percent) {
        double index = (percent / 100.0) * (sorted.length - 1);
        int below = (int) Math.floor(index);
        int above = Math.min(below + 1, sorted.length - 1);
        double t = index - below;
        double a = sorted[below];
        double b = sorted[above];
        double diff = b - a;
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }
}
