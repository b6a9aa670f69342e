package org.inlier.api.quant;

/** Over which elements one scale and zero-point are shared. */
public enum Granularity {
    /** One range for the whole tensor. */
    TENSOR,
    /** One range per slice along an axis (weights: output channels). */
    CHANNEL,
    /** One range per token, computed on the fly over the last axis (activations). */
    TOKEN
}
