package org.inlier.api.backend;

/** An operation a backend executes in integer arithmetic rather than simulating in floating point. */
public enum IntegerOp {
    /**
     * A linear layer {@code x W + b} with quantized input and weights: an integer matrix product
     * into int32 accumulators, requantised to the output site's grid.
     */
    LINEAR,

    /**
     * Attention's {@code Q Kᵀ / √d} and {@code P V} with quantized operands: integer products of
     * two activations (zero-points folded in), requantised to the scores' and the context's grids.
     */
    ATTENTION_PRODUCTS
}
