package org.inlier.plugins.quantizers;

import java.util.Arrays;

/** Channel-axis arithmetic shared by the eager and graph paths. */
final class ChannelAxis {

    private ChannelAxis() {
    }

    /** {@code axis} counted from the front; negative axes count from the end, numpy-style. */
    static int normalize(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
        }
        return a;
    }

    /**
     * {@code [channels, 1, …, 1]} with {@code trailing} ones: the shape that broadcasts one value per
     * channel against a tensor whose channel axis has {@code trailing} axes after it.
     */
    static long[] broadcastShape(long channels, int trailing) {
        long[] shape = new long[trailing + 1];
        Arrays.fill(shape, 1L);
        shape[0] = channels;
        return shape;
    }
}
