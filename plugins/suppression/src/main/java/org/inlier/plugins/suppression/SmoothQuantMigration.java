package org.inlier.plugins.suppression;

import java.util.Arrays;
import java.util.Map;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.NormLink;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * SmoothQuant's rewrite (Xiao et al. 2023, "SmoothQuant: Accurate and Efficient Post-Training
 * Quantization for Large Language Models"): activation outliers sit in a few channels, weights have
 * none, so part of each LayerNorm output channel's range moves into the weights that read it, with
 * the per-channel smoothing factor
 * <pre>
 *   s_j = max|X_j|^a / max|W_j|^(1−a)
 * </pre>
 * where {@code max|X_j|} is channel j's largest magnitude on calibration data and {@code max|W_j|}
 * the largest magnitude of input row j over all consumer weights together. With {@code a = 0.5}
 * both end up with the range {@code sqrt(max|X_j| · max|W_j|)}. The factors are migrated by the
 * same exact rewrite as Gamma Migration ({@link ScaleMigration}), post-LN shortcuts included.
 * As in the paper's reference code, {@code max|W_j|} and {@code s_j} are clamped to at least
 * {@value #MIN_FACTOR}, so a dead channel or an all-zero weight row gives no zero factor.
 */
public final class SmoothQuantMigration {

    /** The lower clamp of {@code max|W_j|} and {@code s_j}, as in SmoothQuant's reference code. */
    static final double MIN_FACTOR = 1e-5;

    private SmoothQuantMigration() {
    }

    /**
     * Smooths every LayerNorm that feeds at least one weight and has activation statistics.
     *
     * @param model         the model; its variables change in place
     * @param channelAbsMax per LayerNorm output site ({@link NormLink#outputSite()}), the
     *                      per-channel {@code max|x|} {@code (D)} over calibration data, measured
     *                      on the model as it is now (after any earlier rewrite)
     * @param alpha         the migration strength {@code a} in {@code [0, 1]}: 0 moves nothing
     *                      from the activations (only the weights' own range), 1 moves all of it
     * @return the report line: how many LayerNorms were smoothed, which were skipped and why
     * @throws IllegalArgumentException if {@code alpha} is outside {@code [0, 1]}, or the statistics
     *                                  or a weight do not have the LayerNorm's width (the message names them)
     */
    public static String migrate(ModelGraph model, Map<String, INDArray> channelAbsMax, double alpha) {
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in [0, 1], got " + alpha);
        }
        MigrationReport report = new MigrationReport("SmoothQuant scales (α = " + alpha + ")");
        for (NormLink link : model.norms()) {
            INDArray activation = channelAbsMax.get(link.outputSite());
            if (link.consumerWeights().isEmpty()) {
                report.skipped(link, "feeds no weight");
            } else if (activation == null) {
                report.skipped(link, "no activation statistics");
            } else {
                int channels = (int) model.sd().getArrForVarName(link.gamma()).length();
                double[] weightMax = weightAbsMax(model, link, channels);
                ScaleMigration.apply(model.sd(), link, factors(activationMax(link, activation, channels), weightMax, alpha));
                report.migrated(link);
            }
        }
        return report.line();
    }

    /**
     * The smoothing factors {@code s_j = max|X_j|^a / max(max|W_j|, 1e-5)^(1−a)}, each at least
     * {@value #MIN_FACTOR}.
     */
    static double[] factors(double[] activationMax, double[] weightMax, double alpha) {
        double[] s = new double[activationMax.length];
        for (int j = 0; j < s.length; j++) {
            double w = Math.max(weightMax[j], MIN_FACTOR);
            s[j] = Math.max(Math.pow(activationMax[j], alpha) / Math.pow(w, 1 - alpha), MIN_FACTOR);
        }
        return s;
    }

    /** {@code max|W_j|}: the largest magnitude of input row j over all consumer weights of the link. */
    static double[] weightAbsMax(ModelGraph model, NormLink link, int channels) {
        double[] max = new double[channels];
        for (String name : link.consumerWeights()) {
            INDArray w = ScaleMigration.inputRows(model.sd(), name, channels);
            double[] rows = Transforms.abs(w, true).max(1).toDoubleVector(); // (D)
            for (int j = 0; j < channels; j++) {
                max[j] = Math.max(max[j], rows[j]);
            }
        }
        return max;
    }

    /** The statistics of a link as doubles, checked: one finite, non-negative value per channel. */
    private static double[] activationMax(NormLink link, INDArray statistics, int channels) {
        if (statistics.length() != channels) {
            throw new IllegalArgumentException("max |x| of " + link.outputSite() + " has shape " + Arrays.toString(statistics.shape())
                    + ", expected (" + channels + "): one value per channel");
        }
        double[] max = statistics.toDoubleVector();
        for (double m : max) {
            if (!(m >= 0) || Double.isInfinite(m)) {
                throw new IllegalArgumentException("max |x| of " + link.outputSite() + " holds " + m
                        + "; expected finite, non-negative values");
            }
        }
        return max;
    }
}
