package org.inlier.plugins.suppression;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteKind;

/**
 * Which activation sites a loss term regularises, chosen by {@link SiteKind} so that it works for
 * every model family that declares its sites.
 */
enum SiteSelection {

    /** Every residual sum (shortcut plus block output): the residual stream, where Nrusimha et al. find the outlier channels. */
    LAYER_OUTPUTS("layer-outputs", EnumSet.of(SiteKind.RESIDUAL)),
    /** The feed-forward blocks' outputs, where Bondarenko et al. measure outliers. */
    FFN_OUTPUTS("ffn-outputs", EnumSet.of(SiteKind.FFN_OUTPUT)),
    /** The LayerNorm outputs, the other half of Bondarenko et al.'s measurement sites. */
    LAYERNORM_OUTPUTS("layernorm-outputs", EnumSet.of(SiteKind.LAYERNORM_OUTPUT)),
    /**
     * Every activation with one feature vector per token. Not the attention scores and
     * probabilities (one row per query and key, not per token and feature), nor the head's logits,
     * whose peaked distribution over the vocabulary is what the task loss asks for.
     */
    ALL_ACTIVATIONS("all-activations", EnumSet.complementOf(EnumSet.of(
            SiteKind.ATTENTION_SCORES, SiteKind.ATTENTION_PROBS, SiteKind.HEAD_OUTPUT, SiteKind.WEIGHT)));

    private final String label;
    private final Set<SiteKind> kinds;

    SiteSelection(String label, Set<SiteKind> kinds) {
        this.label = label;
        this.kinds = kinds;
    }

    /** The value pipeline files use, e.g. {@code layer-outputs}. */
    String label() {
        return label;
    }

    /** Whether this selection includes the site. */
    boolean includes(QuantizationSite site) {
        return kinds.contains(site.kind());
    }

    /** Every label, in declaration order: the allowed values of the option. */
    static List<String> labels() {
        return Arrays.stream(values()).map(SiteSelection::label).toList();
    }

    /**
     * The selection with this label.
     *
     * @throws IllegalArgumentException for an unknown label (the runtime validates options first)
     */
    static SiteSelection of(String label) {
        return Arrays.stream(values()).filter(s -> s.label.equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown site selection '" + label + "'; allowed: " + labels()));
    }
}
