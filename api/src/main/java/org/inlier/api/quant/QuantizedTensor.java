package org.inlier.api.quant;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A tensor in integer form, for execution and export.
 *
 * @param values the integer levels, stored in an integer data type wide enough for the bit width
 * @param params the scale and zero-point that map the levels back to real values
 */
public record QuantizedTensor(INDArray values, QuantParams params) {
}
