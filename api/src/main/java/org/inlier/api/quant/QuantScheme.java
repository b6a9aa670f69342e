package org.inlier.api.quant;

import java.util.Objects;

/**
 * How a tensor is quantized: bit width, symmetry and granularity.
 *
 * @param bits        2 to 16
 * @param symmetric   zero-point fixed at 0 (signed grid) or free (unsigned grid {@code [0, 2^b − 1]})
 * @param granularity per tensor, channel or token
 * @param axis        the channel axis for {@link Granularity#CHANNEL}; ignored otherwise
 * @param grid        the symmetric convention; ignored when asymmetric
 */
public record QuantScheme(int bits, boolean symmetric, Granularity granularity, int axis, SymmetricGrid grid) {

    /** The smallest and largest bit widths Inlier quantizes to. */
    public static final int MIN_BITS = 2;
    public static final int MAX_BITS = 16;

    public QuantScheme {
        if (bits < MIN_BITS || bits > MAX_BITS) {
            throw new IllegalArgumentException("bits must be in [" + MIN_BITS + ", " + MAX_BITS + "], got " + bits);
        }
        Objects.requireNonNull(granularity, "granularity");
        Objects.requireNonNull(grid, "grid");
    }

    /** Per-tensor, symmetric, restricted grid: the usual weight scheme. */
    public static QuantScheme symmetricPerTensor(int bits) {
        return new QuantScheme(bits, true, Granularity.TENSOR, 0, SymmetricGrid.RESTRICTED);
    }

    /** Per-tensor, asymmetric: the usual static activation scheme. */
    public static QuantScheme asymmetricPerTensor(int bits) {
        return new QuantScheme(bits, false, Granularity.TENSOR, 0, SymmetricGrid.RESTRICTED);
    }

    /** The smallest integer level. */
    public long qmin() {
        return symmetric ? -(1L << (bits - 1)) : 0;
    }

    /** The largest integer level. */
    public long qmax() {
        return symmetric ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
    }
}
