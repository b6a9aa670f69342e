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
 * SmoothQuant, id {@value #ID} (Xiao et al. 2023): migrates the per-channel smoothing factor
 * {@code s = max|X|^a / max|W|^(1−a)} out of every LayerNorm output into the weights that read it;
 * the math is {@link SmoothQuantMigration}, the exact rewrite the one Gamma Migration uses.
 *
 * <p>{@code max|X|} is measured by the calibrate stage on its calibration batches, with the model
 * as the pipeline's earlier rewrites left it ({@link RewriteContext#channelAbsMax}).
 *
 * <p>Options: {@code alpha} (default {@value #DEFAULT_ALPHA}, the paper's choice for most models):
 * the migration strength, 0 to 1.
 */
public final class SmoothQuant implements OutlierSuppression {

    /** The id pipeline files use. */
    public static final String ID = "smoothquant";

    /** The default migration strength. */
    static final double DEFAULT_ALPHA = 0.5;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "SmoothQuant: per-channel s = max|X|^a / max|W|^(1−a) migrated from LayerNorm outputs into the consuming weights";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.number("alpha", DEFAULT_ALPHA, 0, 1, "migration strength: 0 keeps the activations, 1 moves their whole range"));
    }

    @Override
    public Optional<SDVariable> lossTerm(Map<QuantizationSite, SDVariable> sites, Options options) {
        return Optional.empty();
    }

    /** Migrates each LayerNorm output's per-channel scale, measured on the calibration batches, into its consumers. */
    @Override
    public Optional<String> rewrite(ModelGraph model, RewriteContext context, Options options) {
        List<String> sites = model.norms().stream().filter(ScaleMigration::hasConsumers).map(NormLink::outputSite).toList();
        return Optional.of(SmoothQuantMigration.migrate(model, context.channelAbsMax(sites), options.getDouble("alpha")));
    }

    @Override
    public Optional<Map<String, Range>> chooseRanges(CalibrationContext context, Options options) {
        return Optional.empty();
    }
}
