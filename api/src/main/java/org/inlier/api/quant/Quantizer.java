package org.inlier.api.quant;

import org.inlier.api.plugin.Plugin;
import org.inlier.api.plugin.PluginKind;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Maps real tensors onto an integer grid: computes parameters from ranges, simulates
 * quantization in floating point ("fake quantization"), and produces integer tensors.
 */
public interface Quantizer extends Plugin {

    @Override
    default PluginKind kind() {
        return PluginKind.QUANTIZER;
    }

    /**
     * Computes scale and zero-point for a range.
     *
     * <p>Asymmetric ranges are first widened to contain 0 (so that 0 is exactly representable);
     * a range of zero width must not divide by zero.
     *
     * @param scheme the scheme
     * @param range  per-tensor or per-channel range
     * @return the parameters; never {@code null}
     */
    QuantParams params(QuantScheme scheme, Range range);

    /**
     * Quantizes and dequantizes a tensor eagerly.
     *
     * @param x      the tensor; not modified
     * @param params frozen parameters (per-token schemes compute their own per token)
     * @return a new tensor of the same shape holding {@code x̂}
     */
    INDArray fakeQuantize(INDArray x, QuantParams params);

    /**
     * Adds fake quantization to a graph.
     *
     * @param x             the tensor to quantize
     * @param params        frozen parameters (per-token schemes compute their own per token)
     * @param straightThrough whether gradients pass straight through the rounding (for QAT);
     *                      otherwise the op is only meant for inference
     * @return the fake-quantized tensor
     */
    SDVariable fakeQuantize(SDVariable x, QuantParams params, boolean straightThrough);

    /**
     * Adds fake quantization with two learned clipping bounds to a graph, for quantization-aware
     * training (PACT/LSQ style): the grid runs from {@code low} to {@code high} in {@code 2^bits}
     * levels, gradients pass straight through inside the range, and the gradients of clipped values
     * flow to the bound they were clipped to.
     *
     * @param x    the tensor to quantize
     * @param low  trainable scalar lower bound
     * @param high trainable scalar upper bound, greater than {@code low}
     * @param bits the bit width
     * @return the fake-quantized tensor
     */
    SDVariable fakeQuantizeLearned(SDVariable x, SDVariable low, SDVariable high, int bits);

    /**
     * Quantizes a tensor to integer levels.
     *
     * @param x      the tensor
     * @param params frozen per-tensor or per-channel parameters
     * @return the integer levels with their parameters
     */
    QuantizedTensor quantize(INDArray x, QuantParams params);
}
