package org.inlier.api.backend;

/** An operation a backend executes in integer arithmetic rather than simulating in floating point. */
public enum IntegerOp {
    /**
     * A linear layer {@code x W + b} with quantized input and weights: an integer matrix product
     * into int32 accumulators, requantised to the output site's grid.
     */
    LINEAR
}
