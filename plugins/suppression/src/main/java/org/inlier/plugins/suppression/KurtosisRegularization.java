package org.inlier.plugins.suppression;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Range;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.suppression.CalibrationContext;
import org.inlier.api.suppression.OutlierSuppression;
import org.inlier.api.suppression.RewriteContext;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Kurtosis regularisation of layer outputs, id {@value #ID} (Nrusimha et al. 2024, "Mitigating
 * the impact of outlier channels for language model quantization with activation
 * regularization"): adds to the training loss
 * <pre>
 *   λ · mean over the selected sites s and their tokens t of relu(k(x[s, t]) − target)
 * </pre>
 * where {@code k} is the kurtosis of one token's activation vector over the hidden (last) axis,
 * {@code E[(x − μ)⁴] / (σ⁴ + 1e-6)} with the population σ (see {@link TokenKurtosis}); Gaussian
 * features give 3. The penalty keeps the model from growing outlier channels in its layer
 * outputs: with QAT of the layer inputs alone, the paper finds the model moves the outliers into
 * the weights instead.
 *
 * <p>Options:
 * <ul>
 *   <li>{@code lambda} (default {@value #DEFAULT_LAMBDA}): the weight. The paper does not publish
 *       its value, so the default is set by scale: healthy activations (kurtosis ≈ 3) add 0.003 to
 *       a language-model loss of 1–5 nats, while tokens with outliers (kurtosis 100–1000; a spike
 *       in one of {@code D} channels gives about {@code D}) add 0.1–1, comparable to the task loss.
 *       1e-4 would hardly act on a hidden size of 128, where the kurtosis cannot exceed about 128.</li>
 *   <li>{@code sites} (default {@code layer-outputs}): which activations; see {@link SiteSelection}.
 *       Sites whose rank is known when the graph is built and is not 3 {@code (B, T, D)} are
 *       skipped; activations of an op whose shape is not known yet (the usual case in a training
 *       graph) are taken as they come, with features on the last axis as
 *       {@link QuantizationSite} promises, and every vector along it counts as a token.</li>
 *   <li>{@code target} (default 0): only kurtosis above this value is penalised, token by token,
 *       so 0 penalises all of it (the plain regulariser), 3 only tails heavier than a Gaussian's,
 *       1.8 heavier than a uniform's (the target of KURE, Shkolnik et al. 2020).</li>
 * </ul>
 *
 * <p>Every site weighs the same, whatever its number of tokens. The other hooks do nothing: this
 * method acts during training only.
 */
public final class KurtosisRegularization implements OutlierSuppression {

    /** The id pipeline files use. */
    public static final String ID = "kurtosis-regularization";

    /** The default weight λ; see the class documentation for the reasoning. */
    static final double DEFAULT_LAMBDA = 1e-3;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Kurtosis regularisation: λ · mean per-token kurtosis of the selected activations, added to the training loss";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.number("lambda", DEFAULT_LAMBDA, 0, Double.POSITIVE_INFINITY, "weight of the penalty in the training loss"),
                OptionSpec.choice("sites", SiteSelection.LAYER_OUTPUTS.label(), SiteSelection.labels(),
                        "which activations: residual sums, FFN outputs, LayerNorm outputs, or all per-token activations"),
                OptionSpec.number("target", 0, 0, Double.POSITIVE_INFINITY,
                        "penalise only per-token kurtosis above this (3 = Gaussian, 1.8 = uniform)"));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Sites are taken in the map's iteration order (graph order from the runtime).
     *
     * @return the scalar penalty in the activations' data type, or empty if no site is selected
     */
    @Override
    public Optional<SDVariable> lossTerm(Map<QuantizationSite, SDVariable> sites, Options options) {
        SiteSelection selection = SiteSelection.of(options.getString("sites"));
        double target = options.getDouble("target");
        List<SDVariable> perSite = new ArrayList<>();
        for (Map.Entry<QuantizationSite, SDVariable> e : sites.entrySet()) {
            if (selection.includes(e.getKey()) && perToken(e.getValue())) {
                perSite.add(meanExcessKurtosis(e.getValue(), target));
            }
        }
        if (perSite.isEmpty()) {
            return Optional.empty();
        }
        SDVariable sum = perSite.get(0);
        for (SDVariable term : perSite.subList(1, perSite.size())) {
            sum = sum.add(term);
        }
        return Optional.of(sum.mul(options.getDouble("lambda") / perSite.size()));
    }

    /** Whether {@code x} can hold one feature vector per token: rank 3, or a rank not known yet. */
    private static boolean perToken(SDVariable x) {
        long[] shape = x.getShape();
        return shape == null || shape.length == 3;
    }

    /** {@code mean over tokens of relu(k − target)}, a scalar. */
    private static SDVariable meanExcessKurtosis(SDVariable x, double target) {
        SameDiff sd = x.getSameDiff();
        return sd.mean(sd.nn.relu(TokenKurtosis.of(x).sub(target), 0));
    }

    @Override
    public Optional<String> rewrite(ModelGraph model, RewriteContext context, Options options) {
        return Optional.empty();
    }

    @Override
    public Optional<Map<String, Range>> chooseRanges(CalibrationContext context, Options options) {
        return Optional.empty();
    }
}
