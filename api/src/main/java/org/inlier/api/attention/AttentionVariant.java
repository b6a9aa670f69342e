package org.inlier.api.attention;

import org.inlier.api.plugin.Options;
import org.inlier.api.plugin.Plugin;
import org.inlier.api.plugin.PluginKind;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * How a layer's attention turns scores into head outputs: softmax, clipped softmax, gated
 * attention, or a user's own variant.
 *
 * <p>The model family computes the scaled, masked scores {@code QKᵀ/√d + mask}
 * {@code (B, H, T, T)}, asks the variant for probabilities, multiplies them by V, and then lets
 * the variant transform the per-head outputs. Both steps may create trainable variables (named
 * under {@link AttentionContext#scope()}).
 */
public interface AttentionVariant extends Plugin {

    @Override
    default PluginKind kind() {
        return PluginKind.ATTENTION_VARIANT;
    }

    /**
     * Turns attention scores into attention probabilities.
     *
     * @param scores  scaled and masked scores, {@code (B, H, T, T)}; masked entries are very negative
     * @param context the layer the attention belongs to
     * @param options this variant's validated options
     * @return probabilities of the same shape; never {@code null}
     */
    SDVariable probabilities(SDVariable scores, AttentionContext context, Options options);

    /**
     * Transforms each head's output (probabilities × V), e.g. by a gate.
     *
     * @param headOutputs {@code (B, H, T, headDim)}
     * @param context     the layer the attention belongs to
     * @param options     this variant's validated options
     * @return a tensor of the same shape; never {@code null}
     */
    SDVariable headOutputs(SDVariable headOutputs, AttentionContext context, Options options);
}
