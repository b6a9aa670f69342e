package org.inlier.plugins.onnx;

/** Channel axes as ONNX wants them: non-negative, and broadcast shapes for per-channel constants. */
final class ChannelAxes {

    private ChannelAxes() {
    }

    /** A possibly negative axis of a tensor of this rank, counted from the front. */
    static int normalize(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " is outside a tensor of rank " + rank);
        }
        return a;
    }

    /** {@code [1, …, channels, …, 1]}: {@code rank} entries, {@code channels} at {@code axis}. */
    static long[] broadcastShape(int channels, int axis, int rank) {
        long[] shape = new long[rank];
        java.util.Arrays.fill(shape, 1);
        shape[axis] = channels;
        return shape;
    }
}
