package org.inlier.api.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The memory of SameDiff's backward pass, handed from one training step to the next.
 *
 * <p>ND4J 1.0.0-M2.1 releases almost none of the arrays of {@code calculateGradientsAndOutputs}
 * (1.2 GB per step of a 4-layer, hidden-256 model at 128 tokens; 2 MB come back): each is left to
 * the garbage collector, and every step allocates its arrays afresh, which libnd4j zeroes on pages
 * the kernel must fault in. That was over half of a step's CPU time, and the process grew to its
 * JavaCPP limit (12 GB). This pool, installed as the gradient session's memory manager, keeps
 * every array of a step and gives them out again, by data type, order and shape, to the next.
 *
 * <p>Contract: the arrays a step returns (its outputs and gradients) are valid only until the next
 * {@link #nextStep}; the caller copies what it keeps. Reused arrays are zeroed, as libnd4j zeroes a
 * fresh one, so a step computes exactly what it computes without the pool. {@link #close} gives the
 * session its own manager back and frees the arrays. Arrays of a shape that no later step asks for
 * stay until then: steps of a few batch shapes (a shorter last batch) keep one set of arrays each.
 */
public final class StepArrayPool extends AbstractMemoryMgr {

    /** SameDiff's name for the gradient function of a graph ({@code SameDiff.GRAD_FN_KEY}). */
    private static final String GRAD_FUNCTION = "grad";

    private final Map<String, Deque<INDArray>> free = new HashMap<>();
    private final List<INDArray> inUse = new ArrayList<>();
    private InferenceSession session;
    private SessionMemMgr replaced;

    /**
     * Prepares {@code sd}'s next gradient computation on the calling thread: every array of the
     * previous step goes back to the pool, and the pool becomes the memory manager of the thread's
     * gradient session (which SameDiff creates on the first {@code calculateGradients} call).
     */
    public void nextStep(SameDiff sd) {
        for (INDArray array : inUse) {
            free.computeIfAbsent(key(array.dataType(), array.ordering(), array.shape()), k -> new ArrayDeque<>()).add(array);
        }
        inUse.clear();
        SameDiff gradients = sd.getFunction(GRAD_FUNCTION);
        if (gradients != null) {
            InferenceSession current = gradients.getSessions().get(Thread.currentThread().getId());
            if (current != null && current.getMmgr() != this) {
                session = current;
                replaced = current.getMmgr();
                current.setMmgr(this);
            }
        }
    }

    @Override
    public INDArray allocate(boolean detached, DataType dataType, long... shape) {
        return take(dataType, 'c', shape);
    }

    @Override
    public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        if (descriptor.isEmpty()) {
            return Nd4j.create(descriptor);
        }
        return take(descriptor.dataType(), descriptor.getOrder(), descriptor.getShape());
    }

    /** Arrays stay with their step until {@link #nextStep}: SameDiff's release is not needed. */
    @Override
    public void release(INDArray array) {
    }

    @Override
    public void close() {
        if (session != null && session.getMmgr() == this) {
            session.setMmgr(replaced);
        }
        free.values().forEach(StepArrayPool::closeAll);
        free.clear();
        closeAll(inUse);
        inUse.clear();
    }

    private static void closeAll(Iterable<INDArray> arrays) {
        for (INDArray array : arrays) {
            if (array.closeable()) {
                array.close();
            }
        }
    }

    private INDArray take(DataType dataType, char order, long[] shape) {
        Deque<INDArray> arrays = free.get(key(dataType, order, shape));
        INDArray array = arrays == null ? null : arrays.poll();
        if (array == null) {
            array = Nd4j.createUninitializedDetached(dataType, order, shape);
        } else {
            array.assign(0);
        }
        inUse.add(array);
        return array;
    }

    private static String key(DataType dataType, char order, long[] shape) {
        return dataType + " " + order + " " + Arrays.toString(shape);
    }
}
