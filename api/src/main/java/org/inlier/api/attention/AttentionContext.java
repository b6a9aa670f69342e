package org.inlier.api.attention;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Everything an attention variant may use about the layer it is placed in.
 *
 * @param sd         the graph being built
 * @param scope      the prefix for variables the variant creates, e.g. {@code layer.2.attn}
 * @param layerInput the layer's input (the tensor Q, K and V were projected from), {@code (B, T, D)}
 * @param heads      number of attention heads
 * @param headDim    features per head
 * @param seqLen     the configured sequence length T (clipped softmax ties γ to it)
 * @param causal     whether the attention is masked to earlier positions
 */
public record AttentionContext(SameDiff sd, String scope, SDVariable layerInput, int heads, int headDim,
                               int seqLen, boolean causal) {

    /** The model width, heads × headDim. */
    public int hidden() {
        return heads * headDim;
    }
}
