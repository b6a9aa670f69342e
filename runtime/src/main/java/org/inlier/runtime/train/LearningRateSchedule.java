package org.inlier.runtime.train;

/**
 * Linear warmup to the peak rate, then cosine or linear decay to {@code minRatio · peak}
 * (or a constant rate after warmup).
 *
 * @param peak     the rate at the end of warmup
 * @param warmup   warmup steps
 * @param total    total steps
 * @param shape    {@code cosine}, {@code linear} or {@code constant}
 * @param minRatio final rate as a fraction of the peak
 */
public record LearningRateSchedule(double peak, int warmup, int total, String shape, double minRatio) {

    /** The rate for a step counted from 0. */
    public double at(int step) {
        if (step < warmup) {
            return peak * (step + 1) / warmup;
        }
        double progress = total <= warmup ? 1 : Math.min(1.0, (double) (step - warmup) / (total - warmup));
        double decay = switch (shape) {
            case "cosine" -> 0.5 * (1 + Math.cos(Math.PI * progress));
            case "linear" -> 1 - progress;
            case "constant" -> 1;
            default -> throw new IllegalArgumentException("unknown schedule '" + shape + "'; allowed: cosine, linear, constant");
        };
        return peak * (minRatio + (1 - minRatio) * decay);
    }
}
