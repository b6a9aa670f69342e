package org.inlier.plugins.suppression;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.NormLink;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Range;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.suppression.CalibrationContext;
import org.inlier.api.suppression.OutlierSuppression;
import org.inlier.api.suppression.RewriteContext;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Gamma Migration, id {@value #ID} (Wei et al. 2022, "Outlier Suppression: Pushing the Limit of
 * Low-bit Transformer Language Models"): LayerNorm's scale γ amplifies the outlier channels, so
 * every LayerNorm {@code γ ⊙ n(x) + β} becomes the non-scaling {@code n(x) + β/γ}, whose output is
 * what gets quantized, and γ moves into the input rows of every weight that reads that output and,
 * in post-LN models, into the residual shortcut it also feeds (see {@link ScaleMigration} with
 * {@code s = γ}). In floating point the model computes the same function.
 *
 * <p>The LayerNorms and their consumers come from the model's {@link NormLink}s, so any family that
 * declares them is rewritten, pre-LN or post-LN. A LayerNorm whose output feeds no weight and no
 * shortcut (the last LayerNorm of an encoder, whose output is the model's output) is skipped.
 *
 * <p>Options:
 * <ul>
 *   <li>{@code min_abs_gamma} (default {@value #DEFAULT_MIN_ABS_GAMMA}): channels with
 *       {@code |γ_i|} below this (and exact zeros, whatever the option) are not divided by: their γ
 *       stays in place and the fold uses 1 for them, so {@code β_i} stays as it is. A zero γ would
 *       give {@code β/0}; a tiny one a huge offset {@code β/γ} on the quantized tensor, a new
 *       outlier. The report line counts these channels per LayerNorm. Measured on
 *       all-MiniLM-L6-v2: every LayerNorm with consumers has {@code |γ| ≥ 0.14}; only the last one,
 *       which has none, has (near-)zero γ (3 channels below 1e-2, the smallest 4.8e-33).</li>
 * </ul>
 *
 * <p>The other hooks do nothing: this method acts once, on the trained model before calibration.
 */
public final class GammaMigration implements OutlierSuppression {

    /** The id pipeline files use. */
    public static final String ID = "gamma-migration";

    /** The default {@code min_abs_gamma}. */
    static final double DEFAULT_MIN_ABS_GAMMA = 1e-6;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Gamma Migration: non-scaling LayerNorms n(x) + β/γ, with γ folded into the consuming weights and post-LN shortcuts";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.number("min_abs_gamma", DEFAULT_MIN_ABS_GAMMA, 0, Double.POSITIVE_INFINITY,
                "channels with |γ| below this keep their γ in place instead of dividing β by it"));
    }

    @Override
    public Optional<SDVariable> lossTerm(Map<QuantizationSite, SDVariable> sites, Options options) {
        return Optional.empty();
    }

    /**
     * {@inheritDoc}
     *
     * @return the report line: how many LayerNorms were rewritten, which were skipped, and how many
     *         channels kept their γ because it was (near) zero
     * @throws IllegalArgumentException if a variable named by a link does not have the LayerNorm's
     *                                  width; the graph is then unchanged for that link and the ones after it
     */
    @Override
    public Optional<String> rewrite(ModelGraph model, RewriteContext context, Options options) {
        double minAbs = options.getDouble("min_abs_gamma");
        MigrationReport report = new MigrationReport("γ");
        for (NormLink link : model.norms()) {
            if (!ScaleMigration.hasConsumers(link)) {
                report.skipped(link, "feeds no weight and no shortcut");
                continue;
            }
            double[] gamma = model.sd().getArrForVarName(link.gamma()).toDoubleVector();
            int kept = 0;
            for (int i = 0; i < gamma.length; i++) {
                if (gamma[i] == 0 || Math.abs(gamma[i]) < minAbs) {
                    gamma[i] = 1;
                    kept++;
                }
            }
            ScaleMigration.apply(model.sd(), link, gamma);
            report.migrated(link);
            if (kept > 0) {
                report.leftInPlace(link, kept, "|γ| < " + minAbs);
            }
        }
        return Optional.of(report.line());
    }

    @Override
    public Optional<Map<String, Range>> chooseRanges(CalibrationContext context, Options options) {
        return Optional.empty();
    }
}
