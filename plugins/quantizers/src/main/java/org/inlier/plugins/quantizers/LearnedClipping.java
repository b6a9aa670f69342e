package org.inlier.plugins.quantizers;

import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Fake quantization with two learned clipping bounds {@code c⁻ < c⁺}, for quantization-aware
 * training of layer inputs (Nrusimha et al. 2024, "Mitigating the impact of outlier channels for
 * language model quantization with activation regularization", §3 of the papers' summary).
 *
 * <p><b>Forward.</b> With {@code N = 2^b − 1} and the step {@code Δ = (c⁺ − c⁻) / N} (the paper's
 * scale is {@code s = 1 / Δ}):
 * <pre>
 *   u  = (clamp(x, c⁻, c⁺) − c⁻) · (1 / Δ)    in [0, N]
 *   q  = round(u)                              half to even, as everywhere in this plugin
 *   x̂ = q · Δ + c⁻
 * </pre>
 * so {@code x̂} takes one of {@code 2^b} evenly spaced values from {@code c⁻} to {@code c⁺}.
 * {@code Δ} is at least {@value AffineFormula#MIN_SCALE}, as for {@link UniformAffineQuantizer},
 * so bounds that meet do not divide by zero: every value then comes out as {@code c⁻ = c⁺}.
 * Crossed bounds ({@code c⁻ > c⁺}) give finite but meaningless values.
 *
 * <p><b>Gradients.</b> SameDiff's autodiff yields the derivative of the formula above with only
 * {@code round} replaced by the identity (the straight-through estimator); writing {@code in} for
 * {@code c⁻ ≤ x ≤ c⁺}:
 * <pre>
 *   ∂x̂/∂x  = 1 if in, 0 otherwise                              (straight through inside the range)
 *   ∂x̂/∂c⁺ = 1 if x > c⁺,   (q − u) / N if in,   0 if x < c⁻     (PACT for clipped values, LSQ inside)
 *   ∂x̂/∂c⁻ = 1 if x < c⁻,   (u − q) / N if in,   0 if x > c⁺
 * </pre>
 * The clipped values pass their whole gradient to the bound they were clipped to, as in PACT
 * (Choi et al. 2018); a value inside the range moves the bounds by its rounding error, as the
 * step gradient of LSQ (Esser et al. 2020) does. (In exact arithmetic {@code u} is {@code 0} or
 * {@code N} for clipped values, so they have no rounding term; in floating point it is of the
 * order of one unit in the last place.) A value equal to a bound counts as inside: its gradient
 * goes to {@code x}, as in {@link UniformAffineQuantizer}'s straight-through estimator.
 *
 * <p>Rounding uses the add-and-subtract form of {@code GraphTensors#rint} (SameDiff cannot
 * differentiate a graph holding the {@code Rint} op), behind {@code u + stopGradient(round(u) − u)}:
 * the forward value is {@code round(u)} exactly (the difference {@code round(u) − u} is exact for
 * {@code |round(u) − u| ≤ 0.5}), the backward pass sees {@code u}.
 *
 * <p><b>How the runtime uses it.</b> This is not a plugin kind of its own: the train stage calls
 * it directly for every site it fake-quantizes during QAT (each linear layer's input, per tensor):
 * <ol>
 *   <li>take the site's values on the first training batch and
 *       {@linkplain #initialBounds(INDArray) derive initial bounds} from their min and max;</li>
 *   <li>create the two trainable scalars with {@link ClippingBounds#trainable}, named
 *       {@code <site>.qat.low} and {@code <site>.qat.high}, so that the optimiser updates them with
 *       the weights and checkpoints save them under stable names;</li>
 *   <li>continue the graph with {@code fakeQuantize(x, bounds.low(), bounds.high(), bits)} in place of {@code x}.</li>
 * </ol>
 * The bounds must stay ordered: keep their learning rate small enough (the gradient of a bound is
 * a sum over the tensor's elements, so it grows with the batch) or clip the update.
 */
public final class LearnedClipping {

    /**
     * How far the initial bounds lie outside the sample's range, as a fraction of its width: the
     * sample's extremes then start strictly inside, where their gradient goes to {@code x}.
     */
    static final double INITIAL_MARGIN = 0.01;

    private LearnedClipping() {
    }

    /**
     * Adds fake quantization with learned bounds to {@code x}'s graph.
     *
     * @param x    the tensor to quantize, any shape; FLOAT is computed in FLOAT, every other
     *             type in DOUBLE, and floating-point results come back in {@code x}'s type
     * @param low  {@code c⁻}, a trainable scalar of the same graph (cast to the working type if needed)
     * @param high {@code c⁺}, a trainable scalar of the same graph, above {@code low}
     * @param bits the bit width, 2 to 16
     * @return {@code x̂}, with the gradients described in the class documentation
     * @throws IllegalArgumentException if {@code bits} is out of range or the bounds belong to another graph
     */
    public static SDVariable fakeQuantize(SDVariable x, SDVariable low, SDVariable high, int bits) {
        if (bits < QuantScheme.MIN_BITS || bits > QuantScheme.MAX_BITS) {
            throw new IllegalArgumentException("bits must be in [" + QuantScheme.MIN_BITS + ", " + QuantScheme.MAX_BITS + "], got " + bits);
        }
        if (low.getSameDiff() != x.getSameDiff() || high.getSameDiff() != x.getSameDiff()) {
            throw new IllegalArgumentException("the bounds " + low.name() + " and " + high.name()
                    + " must belong to the graph of " + x.name());
        }
        GraphTensors t = new GraphTensors(x);
        SDVariable lo = t.inWorkingType(low);
        SDVariable hi = t.inWorkingType(high);
        SDVariable levels = t.scalar((1L << bits) - 1);
        SDVariable step = t.max(t.div(t.sub(hi, lo), levels), t.scalar(AffineFormula.MIN_SCALE));
        // Multiplied by 1 / Δ rather than divided by Δ: ND4J's gradient of a division is wrong for
        // a divisor broadcast against a larger dividend, and Δ must get its gradient.
        SDVariable u = t.mul(t.sub(clamp(t, t.input(), lo, hi), lo), t.div(t.scalar(1), step));
        SDVariable q = t.add(u, t.stopGradient(t.sub(t.rint(u), u)));
        return t.output(t.add(t.mul(q, step), lo));
    }

    /**
     * {@code min(max(x, low), high)} as {@code x·[inside] + low·[x < low] + high·[x > high]}, which is
     * exact in the forward pass. Not with {@code max}/{@code min}: in ND4J 1.0.0-M2.1 their gradient is
     * wrong for an operand broadcast against a larger one (a scalar bound gets 0, or an unreduced
     * tensor, even behind {@code StopGradient}), while products reduce broadcast gradients correctly.
     * The gradient goes to {@code x} inside the range, bounds included, and to the bound beyond it.
     */
    private static SDVariable clamp(GraphTensors t, SDVariable x, SDVariable low, SDVariable high) {
        SameDiff sd = x.getSameDiff();
        SDVariable below = t.inWorkingType(sd.lt(x, low));
        SDVariable above = t.inWorkingType(sd.gt(x, high));
        SDVariable inside = t.sub(t.sub(t.scalar(1), below), above);
        return t.add(t.add(t.mul(x, inside), t.mul(low, below)), t.mul(high, above));
    }

    /**
     * Initial bounds from a sample of a site's values (e.g. its first training batch): the
     * sample's min and max, each moved outwards by {@value #INITIAL_MARGIN} of the width. A
     * constant sample gets that fraction of its magnitude (or of 1, for zeros) on each side, so
     * that the bounds always differ.
     *
     * @param sample the values; not modified
     * @return a per-tensor range with {@code min < max}
     * @throws IllegalArgumentException if the sample is empty or holds a value that is not finite
     */
    public static Range initialBounds(INDArray sample) {
        if (sample.isEmpty()) {
            throw new IllegalArgumentException("cannot derive clipping bounds from an empty sample");
        }
        double min = sample.minNumber().doubleValue();
        double max = sample.maxNumber().doubleValue();
        if (!Double.isFinite(min) || !Double.isFinite(max)) {
            throw new IllegalArgumentException("the sample holds values that are not finite: min " + min + ", max " + max);
        }
        double width = max > min ? max - min : Math.max(Math.max(Math.abs(min), Math.abs(max)), 1.0);
        double margin = INITIAL_MARGIN * width;
        return Range.of(min - margin, max + margin);
    }
}
