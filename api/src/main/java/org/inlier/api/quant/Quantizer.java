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
     * Adds per-tensor fake quantization whose scale and zero-point are values of the graph rather
     * than frozen numbers: placeholders, so that one graph serves many candidate parameters (a
     * range search feeds each candidate's {@link #params} and runs the graph again), or trainable
     * variables, to learn them on a loss (LSQ+, Bhalgat et al. 2020).
     *
     * <p><b>Forward.</b> The zero-point is rounded to an integer and clamped to {@code [qmin, qmax]}
     * (it is 0 for symmetric schemes, whatever is fed). Without {@code straightThrough} the result
     * is exactly that of {@link #fakeQuantize(SDVariable, QuantParams, boolean)} with frozen
     * parameters holding the same values. With it, the result may differ from that in the last
     * place where {@code x / scale} falls within rounding noise of a tie.
     *
     * <p><b>Gradients</b> with {@code straightThrough} (LSQ+, every rounding straight through): with
     * {@code s} the scale, {@code z} the rounded zero-point, {@code u = x / s} and "inside" meaning
     * {@code qmin ≤ round(u) + z ≤ qmax},
     * <pre>
     *   ∂x̂/∂x = 1 inside, 0 outside
     *   ∂x̂/∂s = round(u) − u inside, qmin − z below, qmax − z above
     *   ∂x̂/∂z = 0 inside, −s outside                        (asymmetric schemes only)
     * </pre>
     * Without it the graph is meant for inference only.
     *
     * @param x               the tensor to quantize
     * @param scale           a positive scalar of the same graph
     * @param zeroPoint       a scalar of the same graph; ignored for symmetric schemes
     * @param scheme          a per-tensor scheme
     * @param straightThrough whether gradients flow (to {@code x}, the scale and the zero-point)
     * @return the fake-quantized tensor
     * @throws UnsupportedOperationException if this quantizer takes no parameters from the graph (the default)
     * @throws IllegalArgumentException      if the scheme is not per tensor
     */
    default SDVariable fakeQuantize(SDVariable x, SDVariable scale, SDVariable zeroPoint, QuantScheme scheme, boolean straightThrough) {
        throw new UnsupportedOperationException("quantizer '" + id() + "' takes its scale and zero-point only as frozen numbers");
    }

    /**
     * Quantizes a tensor to integer levels.
     *
     * @param x      the tensor
     * @param params frozen per-tensor or per-channel parameters
     * @return the integer levels with their parameters
     */
    QuantizedTensor quantize(INDArray x, QuantParams params);
}
