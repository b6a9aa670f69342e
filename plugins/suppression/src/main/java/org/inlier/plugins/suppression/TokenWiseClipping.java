package org.inlier.plugins.suppression;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteKind;
import org.inlier.api.suppression.CalibrationContext;
import org.inlier.api.suppression.OutlierSuppression;
import org.inlier.api.suppression.RewriteContext;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Token-Wise Clipping, id {@value #ID} (Wei et al. 2022, "Outlier Suppression: Pushing the Limit
 * of Low-bit Transformer Language Models"), coarse stage: the outliers sit on a few tokens, so
 * clipping those tokens costs the model little and buys resolution for all the others.
 *
 * <p>For every per-tensor activation site except the attention probabilities (which the paper does
 * not clip this way), and for each calibration batch, take every token's maximum and minimum over
 * the hidden axis ({@link TokenExtrema}); the upper clip is the α-quantile of the token maxima,
 * the lower clip the (1 − α)-quantile of the token minima, each averaged over the batches. One α
 * is shared by all sites; it is searched downwards from 1 ({@link ClippingGrid}) and the α whose
 * ranges give the smallest {@link CalibrationContext#outputError} (MSE between the quantized
 * model's final output and the float output) wins; ties go to the larger α. Sites under per-channel
 * or per-token schemes keep the estimator's ranges, and so do the attention probabilities; the
 * returned map holds only the clipped sites.
 *
 * <p><b>Padding.</b> Every token counts. The calibration context does not say which tokens are
 * padding, and the values cannot tell: a BERT encoder's padding positions carry ordinary non-zero
 * activations, while all-zero tokens occur legitimately (e.g. after a ReLU), so no heuristic such as
 * "all-zero rows are padding" is applied. The calibrate stage cuts its batches from running text,
 * which has no padding; calibrating on padded windows (the sentence windows of {@code bert-onnx})
 * would let the padding tokens into the quantiles, and the context would have to hand over each
 * batch's padding mask to remove them as the paper does.
 *
 * <p>Options:
 * <ul>
 *   <li>{@code step} (default {@value #DEFAULT_STEP}): the distance between α candidates; the paper's
 *       reference code uses 0.01, finer when a batch holds more than 4096 tokens.</li>
 *   <li>{@code candidates} (default {@value #DEFAULT_CANDIDATES}): α candidates at 8 bits and
 *       more; lower bit widths get more (see {@link ClippingGrid}). Each candidate costs one run
 *       of the quantized model over all calibration batches.</li>
 *   <li>{@code fine} (default false): the paper's fine stage, learning every site's scale and
 *       zero-point (LSQ+) by gradient on the same output loss. The calibration hook offers the
 *       output error only as a number for given ranges, not as a differentiable graph with the
 *       calibration batches, so {@code fine: true} is rejected when the hook runs.</li>
 * </ul>
 */
public final class TokenWiseClipping implements OutlierSuppression {

    /** The id pipeline files use. */
    public static final String ID = "token-wise-clipping";

    /** The default distance between α candidates. */
    static final double DEFAULT_STEP = 0.01;

    /** The default number of α candidates at 8 bits. */
    static final int DEFAULT_CANDIDATES = 20;

    /** Why {@code fine: true} cannot run. */
    static final String FINE_UNAVAILABLE = ID + ": the fine stage (LSQ+ scale and zero-point learned on the output loss) "
            + "needs a differentiable quantized model with the calibration batches and float outputs, which the calibration "
            + "hook does not offer; set fine: false";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Token-Wise Clipping: activation ranges from α-quantiles of per-token maxima and minima, α chosen by final-output MSE";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.number("step", DEFAULT_STEP, 1e-4, ClippingGrid.LOWEST_ALPHA, "distance between α candidates, from 1 downwards"),
                OptionSpec.integer("candidates", DEFAULT_CANDIDATES, 1, 1000,
                        "α candidates at 8 bits and more; ⌈candidates · 8 / bits⌉ below, never below α = 0.5"),
                OptionSpec.bool("fine", false, "learn scale and zero-point on the output loss (LSQ+); not offered by the calibration hook yet"));
    }

    @Override
    public Optional<SDVariable> lossTerm(Map<QuantizationSite, SDVariable> sites, Options options) {
        return Optional.empty();
    }

    @Override
    public Optional<String> rewrite(ModelGraph model, RewriteContext context, Options options) {
        return Optional.empty();
    }

    /**
     * {@inheritDoc}
     *
     * @return the ranges of the clipped sites at the chosen α, or empty if no site can be clipped
     * @throws IllegalArgumentException if {@code fine} is set: see the class documentation
     */
    @Override
    public Optional<Map<String, Range>> chooseRanges(CalibrationContext context, Options options) {
        if (options.getBoolean("fine")) {
            throw new IllegalArgumentException(FINE_UNAVAILABLE);
        }
        return coarse(context, options.getDouble("step"), options.getInt("candidates")).map(ClippingChoice::ranges);
    }

    /**
     * The coarse stage: scores every α of the grid and keeps the best.
     *
     * @return the choice, or empty if no site is a per-tensor activation site other than the attention probabilities
     */
    static Optional<ClippingChoice> coarse(CalibrationContext context, double step, int candidates) {
        Map<String, Range> estimated = context.estimatedRanges();
        Map<String, List<TokenExtrema>> extrema = new LinkedHashMap<>();
        int bits = QuantScheme.MAX_BITS;
        for (QuantizationSite site : context.sites()) {
            Range range = estimated.get(site.name());
            if (site.kind() == SiteKind.ATTENTION_PROBS || range == null) {
                continue;
            }
            QuantScheme scheme = context.params(site.name(), range).scheme();
            if (scheme.granularity() == Granularity.TENSOR) {
                bits = Math.min(bits, scheme.bits());
                extrema.put(site.name(), context.samples(site.name()).stream().map(TokenExtrema::of).toList());
            }
        }
        if (extrema.isEmpty()) {
            return Optional.empty();
        }

        ClippingGrid grid = ClippingGrid.of(step, candidates, bits);
        ClippingChoice best = null;
        double errorAtOne = Double.NaN;
        for (int k = 0; k < grid.count(); k++) {
            double alpha = grid.alpha(k);
            Map<String, Range> clipped = new LinkedHashMap<>();
            extrema.forEach((site, batches) -> clipped.put(site, TokenExtrema.range(batches, alpha)));
            Map<String, Range> all = new LinkedHashMap<>(estimated);
            all.putAll(clipped);
            double error = context.outputError(all);
            if (k == 0) {
                errorAtOne = error;
            }
            if (best == null || error < best.outputError()) {
                best = new ClippingChoice(alpha, grid.count(), error, errorAtOne, clipped);
            }
        }
        return Optional.of(best);
    }
}
