package org.inlier.plugins.attention;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.inlier.api.attention.AttentionContext;
import org.inlier.api.attention.AttentionVariant;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Clipped softmax ({@code clipped-softmax}): {@code clip((ζ − γ)·softmax(x) + γ, 0, 1)}.
 *
 * <p>From Bondarenko, Nagel, Blankevoort, "Quantizable Transformers: Removing Outliers by Helping
 * Attention Heads Do Nothing" (NeurIPS 2023). With {@code γ < 0} a head can give a key exactly zero
 * probability with finite scores, so it no longer has to grow huge score gaps (and, through the
 * FFN and LayerNorm, outliers) to do nothing.
 *
 * <p>Options: {@code zeta} (ζ ≥ 1, default 1), and one of {@code gamma} (γ ≤ 0) or {@code alpha}
 * (α ≥ 0, meaning {@code γ = −α / T} for the configured sequence length T, as in the paper). When
 * neither is given, {@code alpha = 4} (the top of the paper's range 2–4); giving both is an error.
 *
 * <p>Pitfall: once every probability of a row falls below {@code −γ / (ζ − γ)} the row is clipped
 * to zero and receives no gradient. At initialisation a bidirectional encoder attends nearly
 * uniformly, {@code 1/T} per key, so the variant refuses a non-causal layer where uniform
 * attention would not survive the clip; see {@link #uniformAttentionSurvives}. Safe choices
 * satisfy {@code α < ζ·T / (T − 1)}, about ζ, which is well below the paper's α = 2–4: for
 * encoders trained from scratch use a small α (or γ), or raise it once attention has sharpened.
 * Causal decoders are not checked: their first rows attend to few keys and keep their gradient.
 */
public final class ClippedSoftmax implements AttentionVariant {

    /** The id pipeline files use. */
    public static final String ID = "clipped-softmax";

    /** α used when neither {@code gamma} nor {@code alpha} is given. */
    public static final double DEFAULT_ALPHA = 4.0;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Clipped softmax clip((zeta - gamma) * softmax + gamma, 0, 1) so heads can attend to nothing"
                + " (Bondarenko et al. 2023)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.number("zeta", 1.0, 1.0, Double.POSITIVE_INFINITY,
                        "upper stretch zeta >= 1; above 1 makes probabilities of exactly 1 reachable"),
                OptionSpec.optionalNumber("gamma", Double.NEGATIVE_INFINITY, 0.0,
                        "lower stretch gamma <= 0; below 0 makes exact zeros reachable"
                                + " (give gamma or alpha, not both)"),
                OptionSpec.optionalNumber("alpha", 0.0, Double.POSITIVE_INFINITY,
                        "sets gamma = -alpha / T for sequence length T; " + DEFAULT_ALPHA
                                + " when neither gamma nor alpha is given"));
    }

    /**
     * Clipped softmax over the keys.
     *
     * @throws IllegalArgumentException if both {@code gamma} and {@code alpha} are set, or if the
     *                                  layer is bidirectional and uniform attention would be clipped to zero
     */
    @Override
    public SDVariable probabilities(SDVariable scores, AttentionContext context, Options options) {
        double zeta = options.getDouble("zeta");
        double gamma = gamma(options, context.seqLen());
        if (!context.causal()) {
            requireUniformAttentionSurvives(zeta, gamma, context.seqLen());
        }
        // Bondarenko et al. 2023, section 4.1: stretch the softmax to [γ, ζ], then clip to [0, 1].
        SDVariable stretched = SoftmaxAttention.softmax(scores).mul(zeta - gamma).add(gamma);
        return context.sd().math().clipByValue(stretched, 0.0, 1.0);
    }

    @Override
    public SDVariable headOutputs(SDVariable headOutputs, AttentionContext context, Options options) {
        return headOutputs;
    }

    /**
     * The γ these options mean for sequence length T: {@code gamma} as given, or {@code −alpha / T},
     * or {@code −DEFAULT_ALPHA / T} when neither is set.
     *
     * @throws IllegalArgumentException if both {@code gamma} and {@code alpha} are set
     */
    public static double gamma(Options options, int seqLen) {
        Optional<Double> gamma = options.findDouble("gamma");
        Optional<Double> alpha = options.findDouble("alpha");
        if (gamma.isPresent() && alpha.isPresent()) {
            throw new IllegalArgumentException(ID + ": options 'gamma' (" + gamma.get() + ") and 'alpha' ("
                    + alpha.get() + ") are both set; give only one (alpha means gamma = -alpha / T)");
        }
        return gamma.orElseGet(() -> -alpha.orElse(DEFAULT_ALPHA) / seqLen);
    }

    /**
     * Whether uniform attention over T keys keeps a nonzero probability, and so a gradient,
     * after clipping: {@code (ζ − γ)/T + γ > 0}.
     */
    public static boolean uniformAttentionSurvives(double zeta, double gamma, int seqLen) {
        return (zeta - gamma) / seqLen + gamma > 0;
    }

    /**
     * The bound α must stay strictly below for uniform attention over T keys to survive:
     * {@code ζ·T / (T − 1)}, infinite for T = 1.
     */
    public static double alphaBound(double zeta, int seqLen) {
        return seqLen <= 1 ? Double.POSITIVE_INFINITY : zeta * seqLen / (seqLen - 1);
    }

    /**
     * Fails when uniform attention over T keys would be clipped to exactly zero, as it is at the
     * start of training in a bidirectional layer; the message names the largest safe α and γ.
     *
     * @throws IllegalArgumentException if {@link #uniformAttentionSurvives} is false
     */
    public static void requireUniformAttentionSurvives(double zeta, double gamma, int seqLen) {
        if (uniformAttentionSurvives(zeta, gamma, seqLen)) {
            return;
        }
        double bound = alphaBound(zeta, seqLen);
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "%s: with zeta = %s and gamma = %.6g (alpha = %.6g) every probability below %.4g is clipped to 0,"
                        + " and uniform attention over T = %d keys is %.4g, so a bidirectional layer starts with all"
                        + " attention clipped to zero and gets no gradient. Use alpha < %.6g (gamma > %.6g) for"
                        + " T = %d.",
                ID, zeta, gamma, -gamma * seqLen, -gamma / (zeta - gamma), seqLen, 1.0 / seqLen,
                bound, -bound / seqLen, seqLen));
    }
}
