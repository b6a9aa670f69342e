package org.inlier.api.quant;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Accumulates statistics of a tensor over calibration batches and chooses its range. */
public interface RangeObserver {

    /**
     * Records one batch of the tensor.
     *
     * @param x the tensor's value for this batch; not modified or retained
     */
    void observe(INDArray x);

    /**
     * The range chosen from everything observed so far.
     *
     * @return per-tensor or per-channel range, as the scheme asks
     * @throws IllegalStateException if nothing was observed
     */
    Range range();
}
