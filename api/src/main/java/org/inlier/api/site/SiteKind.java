package org.inlier.api.site;

/**
 * What a quantization site holds, independent of the model family. Placement profiles and the
 * papers' outlier metrics (taken "at the FFN outputs and LayerNorm outputs") select sites by kind.
 */
public enum SiteKind {
    /** Token (+ position / segment) embedding sum entering the first layer. */
    EMBEDDING_SUM,
    /** Input of a LayerNorm (in pre-LN models this is the residual stream). */
    LAYERNORM_INPUT,
    /** Output of a LayerNorm. */
    LAYERNORM_OUTPUT,
    /** Output of the query, key or value projection. */
    QKV_OUTPUT,
    /** Attention scores, the softmax input. */
    ATTENTION_SCORES,
    /** Attention probabilities, the softmax output. */
    ATTENTION_PROBS,
    /** Attention probabilities times values (per head, after any gating). */
    ATTENTION_CONTEXT,
    /** Output of the attention output projection. */
    ATTENTION_OUTPUT,
    /** Hidden activation inside the feed-forward block (after the non-linearity). */
    FFN_HIDDEN,
    /** Output of the feed-forward block's second linear layer. */
    FFN_OUTPUT,
    /** A residual sum (shortcut plus block output). */
    RESIDUAL,
    /** The final head's output (logits). */
    HEAD_OUTPUT,
    /** A weight matrix or embedding table. */
    WEIGHT
}
