package org.inlier.plugins.quantizers;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Max;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Min;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Rint;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** {@link Tensors} on eager ND4J arrays; every operation returns a new array. Rounding uses ND4J's {@code Rint} op. */
final class EagerTensors implements Tensors<INDArray> {

    private final DataType inputType;
    private final DataType dataType;
    private final long[] shape;

    private EagerTensors(DataType inputType, long[] shape) {
        this.inputType = inputType;
        this.dataType = AffineFormula.workingType(inputType);
        this.shape = shape;
    }

    /** Operations for quantizing {@code x}, in its {@link AffineFormula#workingType working type}. */
    static EagerTensors forInput(INDArray x) {
        return new EagerTensors(x.dataType(), x.shape());
    }

    /** Operations on plain vectors of doubles, for parameters computed from ranges. */
    static EagerTensors forVectors(int length) {
        return new EagerTensors(DataType.DOUBLE, new long[] {length});
    }

    /** {@code x} in the working data type. */
    INDArray input(INDArray x) {
        return x.dataType() == dataType ? x : x.castTo(dataType);
    }

    /** A result back in the input's data type when that is floating point. */
    INDArray output(INDArray result) {
        return inputType.isFPType() && inputType != dataType ? result.castTo(inputType) : result;
    }

    /** A vector of values in the working data type. */
    INDArray vector(double[] values) {
        return Nd4j.createFromArray(values).castTo(dataType);
    }

    @Override
    public INDArray scalar(double value) {
        return Nd4j.scalar(dataType, value);
    }

    @Override
    public INDArray alongAxis(double[] values, int axis) {
        if (values.length == 1) {
            return scalar(values[0]);
        }
        int a = ChannelAxis.normalize(axis, shape.length);
        if (shape[a] != values.length) {
            throw new IllegalArgumentException(values.length + " per-channel parameters for axis " + axis
                    + " of a tensor of shape " + Arrays.toString(shape));
        }
        return vector(values).reshape(ChannelAxis.broadcastShape(values.length, shape.length - a - 1));
    }

    @Override
    public INDArray add(INDArray a, INDArray b) {
        return a.add(b);
    }

    @Override
    public INDArray sub(INDArray a, INDArray b) {
        return a.sub(b);
    }

    @Override
    public INDArray mul(INDArray a, INDArray b) {
        return a.mul(b);
    }

    @Override
    public INDArray div(INDArray a, INDArray b) {
        return a.div(b);
    }

    @Override
    public INDArray neg(INDArray a) {
        return a.neg();
    }

    @Override
    public INDArray abs(INDArray a) {
        return Transforms.abs(a, true);
    }

    @Override
    public INDArray rint(INDArray a) {
        return Nd4j.exec(new Rint(a, a.ulike()));
    }

    @Override
    public INDArray max(INDArray a, INDArray b) {
        return Nd4j.exec(new Max(a, b))[0];
    }

    @Override
    public INDArray min(INDArray a, INDArray b) {
        return Nd4j.exec(new Min(a, b))[0];
    }

    @Override
    public INDArray maxOverLastAxis(INDArray a) {
        return a.max(true, a.rank() - 1);
    }

    @Override
    public INDArray minOverLastAxis(INDArray a) {
        return a.min(true, a.rank() - 1);
    }
}
