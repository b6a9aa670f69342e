package org.inlier.plugins.quantizers;

import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.SymmetricGrid;

/** Short names for the schemes the tests use. */
final class Schemes {

    private Schemes() {
    }

    static QuantScheme symmetric(int bits) {
        return new QuantScheme(bits, true, Granularity.TENSOR, 0, SymmetricGrid.RESTRICTED);
    }

    static QuantScheme symmetricHalfStep(int bits) {
        return new QuantScheme(bits, true, Granularity.TENSOR, 0, SymmetricGrid.HALF_STEP);
    }

    static QuantScheme asymmetric(int bits) {
        return new QuantScheme(bits, false, Granularity.TENSOR, 0, SymmetricGrid.RESTRICTED);
    }

    static QuantScheme perChannel(int bits, boolean symmetric, int axis) {
        return new QuantScheme(bits, symmetric, Granularity.CHANNEL, axis, SymmetricGrid.RESTRICTED);
    }

    static QuantScheme perToken(int bits, boolean symmetric) {
        return new QuantScheme(bits, symmetric, Granularity.TOKEN, 0, SymmetricGrid.RESTRICTED);
    }
}
