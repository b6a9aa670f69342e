package org.inlier.plugins.quantizers;

import java.util.Arrays;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Tensors} as SameDiff graph operations, with constants in the working data type
 * (FLOAT or DOUBLE, see {@link AffineFormula#workingType}).
 */
final class GraphTensors implements Tensors<SDVariable> {

    private final SameDiff sd;
    private final SDVariable x;
    private final DataType dataType;

    /** Operations for quantizing {@code x}, added to {@code x}'s graph. */
    GraphTensors(SDVariable x) {
        this.sd = x.getSameDiff();
        this.x = x;
        this.dataType = AffineFormula.workingType(x.dataType());
    }

    /** {@code x} in the working data type. */
    SDVariable input() {
        return inWorkingType(x);
    }

    /** Another variable of the same graph (e.g. a learned bound) in the working data type. */
    SDVariable inWorkingType(SDVariable a) {
        return a.dataType() == dataType ? a : a.castTo(dataType);
    }

    /** A result back in the data type of {@code x} when that is floating point. */
    SDVariable output(SDVariable result) {
        return x.dataType().isFPType() && x.dataType() != dataType ? result.castTo(x.dataType()) : result;
    }

    /** {@code a} in the forward pass; no gradient flows back through it. */
    SDVariable stopGradient(SDVariable a) {
        return new StopGradient(sd, a).outputVariable();
    }

    @Override
    public SDVariable scalar(double value) {
        return sd.constant(Nd4j.scalar(dataType, value));
    }

    /**
     * Per-channel constants. The broadcast shape needs the number of axes after the channel axis:
     * known for a negative axis or a variable of known shape; otherwise (an op output before the
     * graph has run) the shape is computed in the graph from {@code rank(x)}.
     */
    @Override
    public SDVariable alongAxis(double[] values, int axis) {
        if (values.length == 1) {
            return scalar(values[0]);
        }
        SDVariable v = sd.constant(Nd4j.createFromArray(values).castTo(dataType));
        long[] shape = x.getShape();
        if (shape != null) {
            int a = ChannelAxis.normalize(axis, shape.length);
            if (shape[a] >= 0 && shape[a] != values.length) {
                throw new IllegalArgumentException(values.length + " per-channel parameters for axis " + axis
                        + " of a variable of shape " + Arrays.toString(shape));
            }
            return sd.reshape(v, ChannelAxis.broadcastShape(values.length, shape.length - a - 1));
        }
        if (axis < 0) {
            return sd.reshape(v, ChannelAxis.broadcastShape(values.length, -axis - 1));
        }
        return sd.reshape(v, dynamicBroadcastShape(axis, values.length));
    }

    /** {@code [1, …, channels, …, 1]} with {@code rank(x)} entries: one at every axis but {@code axis}. */
    private SDVariable dynamicBroadcastShape(int axis, long channels) {
        SDVariable rank = sd.rank(x).castTo(DataType.LONG);
        SDVariable axes = sd.range(longScalar(0), rank, longScalar(1), DataType.LONG);
        SDVariable isChannelAxis = sd.eq(axes, longScalar(axis)).castTo(DataType.LONG);
        return isChannelAxis.mul(channels - 1).add(1);
    }

    private SDVariable longScalar(long value) {
        return sd.constant(Nd4j.scalar(DataType.LONG, value));
    }

    @Override
    public SDVariable add(SDVariable a, SDVariable b) {
        return a.add(b);
    }

    @Override
    public SDVariable sub(SDVariable a, SDVariable b) {
        return a.sub(b);
    }

    @Override
    public SDVariable mul(SDVariable a, SDVariable b) {
        return a.mul(b);
    }

    @Override
    public SDVariable div(SDVariable a, SDVariable b) {
        return a.div(b);
    }

    @Override
    public SDVariable neg(SDVariable a) {
        return a.neg();
    }

    @Override
    public SDVariable abs(SDVariable a) {
        return sd.math.abs(a);
    }

    /**
     * Rounds half to even without the {@code Rint} op: SameDiff differentiates every op upstream
     * of the loss, even behind {@code StopGradient}, and {@code Rint} has no gradient (it throws),
     * so a graph holding it could never be trained. Adding and subtracting {@code M = 1.5 · 2^(p−1)}
     * ({@code p} significand bits) lets the IEEE add round to an integer, half to even, exactly for
     * {@code |a| ≤ 2^(p−2)} (2^22 in FLOAT). Larger magnitudes are not rounded exactly, but they
     * keep their sign and lie far beyond every grid (levels and zero-points are at most 65535 in
     * magnitude), so the clamp that follows maps them to the grid's ends all the same.
     */
    @Override
    public SDVariable rint(SDVariable a) {
        SDVariable magic = scalar(dataType == DataType.DOUBLE ? 0x1.8p52 : 0x1.8p23);
        return a.add(magic).sub(magic);
    }

    @Override
    public SDVariable max(SDVariable a, SDVariable b) {
        return sd.math.max(a, b);
    }

    @Override
    public SDVariable min(SDVariable a, SDVariable b) {
        return sd.math.min(a, b);
    }

    // Reduced without keepDims, then expanded: in ND4J 1.0.0-M2.1 a reduction over axis -1 with
    // keepDims = true returns wrong values for rank 3 and more.
    @Override
    public SDVariable maxOverLastAxis(SDVariable a) {
        return sd.expandDims(sd.max(a, false, -1), -1);
    }

    @Override
    public SDVariable minOverLastAxis(SDVariable a) {
        return sd.expandDims(sd.min(a, false, -1), -1);
    }
}
