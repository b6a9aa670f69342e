package org.inlier.plugins.quantizers;

import org.inlier.api.quant.QuantScheme;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Per-tensor affine fake quantization with a learnable scale and zero-point (LSQ+, Bhalgat et al.
 * 2020, "LSQ+: Improving low-bit quantization through learnable offsets and better
 * initialization"), as Token-Wise Clipping's fine stage learns them (Wei et al. 2022).
 *
 * <p><b>Forward.</b> With {@code s} the scale and {@code z = clamp(round(zeroPoint), qmin, qmax)}
 * (0 for symmetric schemes):
 * <pre>
 *   u  = x · (1 / s)
 *   q  = clamp(round(u) + z, qmin, qmax)
 *   x̂ = (q − z) · s
 * </pre>
 * the affine grid of {@link UniformAffineQuantizer}, rounding half to even. {@code x} is
 * multiplied by {@code 1 / s} rather than divided by {@code s} (ND4J's gradient of a division is
 * wrong for a divisor broadcast against a larger dividend), so {@code u} may differ from the frozen
 * form's {@code x / s} in the last place, and a value within that of a tie may round the other way.
 *
 * <p><b>Gradients.</b> Every rounding passes its gradient straight through, as
 * {@code a + stopGradient(round(a) − a)}; autodiff of the rest gives, with "inside" meaning
 * {@code qmin ≤ round(u) + z ≤ qmax},
 * <pre>
 *   ∂x̂/∂x = 1 inside, 0 outside
 *   ∂x̂/∂s = round(u) − u inside (LSQ's step gradient), qmin − z below, qmax − z above
 *   ∂x̂/∂z = 0 inside, −s outside
 * </pre>
 * as PyTorch's {@code _fake_quantize_learnable_per_tensor_affine} (without its gradient factor:
 * Adam, which the fine stage uses, is invariant to a constant factor). Both clamps are written as
 * {@code v·[inside] + qmin·[v < qmin] + qmax·[v > qmax]}: in ND4J 1.0.0-M2.1 the gradients of
 * {@code max}/{@code min} are wrong for an operand broadcast against a larger one, while products
 * reduce broadcast gradients correctly.
 */
final class LsqPlus {

    private LsqPlus() {
    }

    /**
     * Adds the fake quantization to {@code x}'s graph.
     *
     * @param x         the tensor; FLOAT is computed in FLOAT, other types in DOUBLE
     * @param scale     a positive scalar of the same graph
     * @param zeroPoint a scalar of the same graph; ignored for symmetric schemes
     * @param scheme    a per-tensor scheme
     * @return {@code x̂}, in {@code x}'s type when that is floating point
     */
    static SDVariable fakeQuantize(SDVariable x, SDVariable scale, SDVariable zeroPoint, QuantScheme scheme) {
        GraphTensors t = new GraphTensors(x);
        SDVariable s = t.inWorkingType(scale);
        SDVariable z = scheme.symmetric() ? t.scalar(0)
                : clamp(t, roundStraightThrough(t, t.inWorkingType(zeroPoint)), scheme.qmin(), scheme.qmax());
        SDVariable u = t.mul(t.input(), t.div(t.scalar(1), s));
        SDVariable q = clamp(t, t.add(roundStraightThrough(t, u), z), scheme.qmin(), scheme.qmax());
        return t.output(t.mul(t.sub(q, z), s));
    }

    /** {@code round(a)} forward, the identity backward. */
    private static SDVariable roundStraightThrough(GraphTensors t, SDVariable a) {
        return t.add(a, t.stopGradient(t.sub(t.rint(a), a)));
    }

    /** {@code min(max(v, low), high)}, exact forward; the gradient goes to {@code v} inside, bounds included, and nowhere outside. */
    private static SDVariable clamp(GraphTensors t, SDVariable v, double low, double high) {
        SameDiff sd = v.getSameDiff();
        SDVariable below = t.inWorkingType(sd.lt(v, t.scalar(low)));
        SDVariable above = t.inWorkingType(sd.gt(v, t.scalar(high)));
        SDVariable inside = t.sub(t.sub(t.scalar(1), below), above);
        return t.add(t.add(t.mul(v, inside), t.mul(t.scalar(low), below)), t.mul(t.scalar(high), above));
    }
}
