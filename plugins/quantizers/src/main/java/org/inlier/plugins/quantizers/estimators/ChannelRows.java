package org.inlier.plugins.quantizers.estimators;

import java.util.stream.IntStream;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A batch laid out as one row per range the scheme asks for: {@code [channels, n]} for
 * per-channel schemes (channel axis moved to the front), {@code [1, n]} otherwise. Per-token
 * schemes get one per-tensor range, since their real ranges are computed when quantizing.
 */
final class ChannelRows {

    private ChannelRows() {
    }

    /** Whether the scheme wants one range per channel. */
    static boolean perChannel(QuantScheme scheme) {
        return scheme.granularity() == Granularity.CHANNEL;
    }

    /** {@code x} as {@code [ranges, n]}; a view when no copy is needed. */
    static INDArray of(INDArray x, QuantScheme scheme) {
        if (!perChannel(scheme)) {
            return x.reshape('c', 1, x.length());
        }
        int rank = x.rank();
        int axis = scheme.axis() < 0 ? scheme.axis() + rank : scheme.axis();
        if (axis < 0 || axis >= rank) {
            throw new IllegalArgumentException("channel axis " + scheme.axis() + " is out of range for rank " + rank);
        }
        if (axis == 0) {
            return x.reshape('c', x.size(0), x.length() / x.size(0));
        }
        int[] order = IntStream.concat(IntStream.of(axis), IntStream.range(0, rank).filter(a -> a != axis)).toArray();
        return x.permute(order).dup('c').reshape('c', x.size(axis), x.length() / x.size(axis));
    }

    /** Checks that a batch has as many rows as the ones before it. */
    static void requireSameCount(int expected, int actual) {
        if (expected != actual) {
            throw new IllegalArgumentException("the number of channels changed between batches: " + expected + " then " + actual);
        }
    }
}
