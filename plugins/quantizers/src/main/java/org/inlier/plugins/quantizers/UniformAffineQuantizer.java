package org.inlier.plugins.quantizers;

import java.util.Arrays;
import java.util.List;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.QuantizedTensor;
import org.inlier.api.quant.Quantizer;
import org.inlier.api.quant.Range;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Uniform affine (integer-grid) quantization, id {@value #ID}:
 * {@code q = clamp(rint(x / scale) + zeroPoint, qmin, qmax)}, {@code x̂ = (q − zeroPoint) · scale}.
 *
 * <p><b>Rounding</b> is round-half-to-even everywhere, levels and zero-points alike (the IEEE
 * default, as in PyTorch and numpy): 0.5 → 0, 1.5 → 2, 2.5 → 2, −0.5 → 0. Neither
 * {@code Math.round} nor ND4J's {@code round} is used: both round halves away from zero. Eager
 * code uses ND4J's {@code Rint} op; graphs use an add-and-subtract form with the same results
 * (see {@code GraphTensors#rint}), because SameDiff cannot differentiate a graph holding {@code Rint}.
 *
 * <p><b>Parameters.</b> Symmetric schemes use zero-point 0 on the signed grid
 * {@code [−2^(b−1), 2^(b−1) − 1]} with {@code scale = absmax / (2^(b−1) − 1)}
 * ({@link org.inlier.api.quant.SymmetricGrid#RESTRICTED}) or {@code absmax / (2^(b−1) − 0.5)}
 * ({@link org.inlier.api.quant.SymmetricGrid#HALF_STEP}). Asymmetric schemes widen the range to
 * contain 0, then {@code scale = (max' − min') / (2^b − 1)} and
 * {@code zeroPoint = clamp(rint(−min' / scale), 0, 2^b − 1)}. A zero-width range gets the
 * scale {@value AffineFormula#MIN_SCALE} instead of dividing by zero, so an all-zero tensor stays
 * exactly zero.
 *
 * <p><b>Granularity.</b> Per-tensor parameters (length 1) apply to the whole tensor; per-channel
 * parameters broadcast along {@code scheme.axis()} (negative axes count from the end). Per-token
 * schemes carry no parameters: each row over the last axis gets its own range, computed on the
 * fly with the same rules.
 *
 * <p>The arithmetic runs in FLOAT for FLOAT tensors and in DOUBLE for all others, as the same
 * sequence of operations eagerly and in a SameDiff graph, so both give identical results.
 * Floating-point results come back in the input's type; integer input gives DOUBLE.
 */
public final class UniformAffineQuantizer implements Quantizer {

    /** The id pipeline files use. */
    public static final String ID = "uniform-affine";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Uniform affine quantization (round half to even), symmetric or asymmetric, per tensor, channel or token";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns one scale and zero-point per entry of {@code range}; for a per-token scheme, empty
     * parameters (the range is ignored, since each token's range is computed when quantizing).
     */
    @Override
    public QuantParams params(QuantScheme scheme, Range range) {
        if (scheme.granularity() == Granularity.TOKEN) {
            return new QuantParams(scheme, new double[0], new long[0]);
        }
        int channels = range.min().length;
        EagerTensors t = EagerTensors.forVectors(channels);
        AffineFormula.Params<INDArray> p = AffineFormula.params(t, t.vector(range.min()), t.vector(range.max()), scheme);
        double[] scale = p.scale().toDoubleVector();
        long[] zeroPoint = new long[channels];
        if (!scheme.symmetric()) {
            double[] zp = p.zeroPoint().toDoubleVector();
            Arrays.setAll(zeroPoint, i -> (long) zp[i]);
        }
        return new QuantParams(scheme, scale, zeroPoint);
    }

    @Override
    public INDArray fakeQuantize(INDArray x, QuantParams params) {
        EagerTensors t = EagerTensors.forInput(x);
        INDArray input = t.input(x);
        QuantScheme scheme = params.scheme();
        AffineFormula.Params<INDArray> p = scheme.granularity() == Granularity.TOKEN
                ? AffineFormula.tokenParams(t, input, scheme)
                : frozen(t, params);
        return t.output(AffineFormula.fakeQuantize(t, input, p, scheme));
    }

    /**
     * {@inheritDoc}
     *
     * <p>With {@code straightThrough}, the output is {@code x_c + stopGradient(x̂ − x_c)}, where
     * {@code x_c} is {@code x} clamped to the representable range
     * {@code [(qmin − zeroPoint)·scale, (qmax − zeroPoint)·scale]}: the gradient is the upstream
     * gradient where {@code x} lies inside that range (bounds included) and 0 outside. It is built
     * as {@code stopGradient(x̂) + (x_c − stopGradient(x_c))}, the same value but with the forward
     * pass bit-identical to {@code x̂}. Per-token scales and zero-points are treated as constants:
     * no gradient flows through the row minima and maxima.
     */
    @Override
    public SDVariable fakeQuantize(SDVariable x, QuantParams params, boolean straightThrough) {
        GraphTensors t = new GraphTensors(x);
        SDVariable input = t.input();
        QuantScheme scheme = params.scheme();
        AffineFormula.Params<SDVariable> p = scheme.granularity() == Granularity.TOKEN
                ? AffineFormula.tokenParams(t, t.stopGradient(input), scheme)
                : frozen(t, params);
        SDVariable quantized = AffineFormula.fakeQuantize(t, input, p, scheme);
        if (!straightThrough) {
            return t.output(quantized);
        }
        SDVariable low = AffineFormula.dequantize(t, t.scalar(scheme.qmin()), p);
        SDVariable high = AffineFormula.dequantize(t, t.scalar(scheme.qmax()), p);
        SDVariable clamped = t.min(t.max(input, low), high);
        return t.output(t.add(t.stopGradient(quantized), t.sub(clamped, t.stopGradient(clamped))));
    }

    /**
     * {@inheritDoc}
     *
     * <p>The levels are stored in the narrowest of INT8, INT16 and INT32 that holds
     * {@code [qmin, qmax]}: INT8 for symmetric schemes up to 8 bits and asymmetric ones up to 7.
     *
     * @throws IllegalArgumentException for a per-token scheme, whose per-row parameters
     *                                  {@link QuantParams} cannot hold
     */
    @Override
    public QuantizedTensor quantize(INDArray x, QuantParams params) {
        QuantScheme scheme = params.scheme();
        if (scheme.granularity() == Granularity.TOKEN) {
            throw new IllegalArgumentException("per-token schemes have no frozen parameters to quantize with; use a per-tensor or per-channel scheme");
        }
        EagerTensors t = EagerTensors.forInput(x);
        INDArray levels = AffineFormula.levels(t, t.input(x), frozen(t, params), scheme);
        return new QuantizedTensor(levels.castTo(levelType(scheme)), params);
    }

    /** The narrowest integer type holding every level of the scheme. */
    static DataType levelType(QuantScheme scheme) {
        if (scheme.qmin() >= Byte.MIN_VALUE && scheme.qmax() <= Byte.MAX_VALUE) {
            return DataType.INT8;
        }
        if (scheme.qmin() >= Short.MIN_VALUE && scheme.qmax() <= Short.MAX_VALUE) {
            return DataType.INT16;
        }
        return DataType.INT32;
    }

    private static <T> AffineFormula.Params<T> frozen(Tensors<T> t, QuantParams params) {
        if (params.scale().length == 0) {
            throw new IllegalArgumentException("no scale in " + params + " for a " + params.scheme().granularity() + " scheme");
        }
        int axis = params.scheme().axis();
        double[] zeroPoint = Arrays.stream(params.zeroPoint()).asDoubleStream().toArray();
        return new AffineFormula.Params<>(t.alongAxis(params.scale(), axis), t.alongAxis(zeroPoint, axis));
    }

    /**
     * {@inheritDoc}
     *
     * <p>Without {@code straightThrough} the graph runs the very operations of the frozen form, with
     * the fed scale and zero-point in place of constants. With it, see {@link LsqPlus}.
     */
    @Override
    public SDVariable fakeQuantize(SDVariable x, SDVariable scale, SDVariable zeroPoint, QuantScheme scheme, boolean straightThrough) {
        if (scheme.granularity() != Granularity.TENSOR) {
            throw new IllegalArgumentException("scale and zero-point from the graph need a per-tensor scheme, got " + scheme.granularity());
        }
        if (scale.getSameDiff() != x.getSameDiff() || zeroPoint.getSameDiff() != x.getSameDiff()) {
            throw new IllegalArgumentException("the scale " + scale.name() + " and zero-point " + zeroPoint.name()
                    + " must belong to the graph of " + x.name());
        }
        if (straightThrough) {
            return LsqPlus.fakeQuantize(x, scale, zeroPoint, scheme);
        }
        GraphTensors t = new GraphTensors(x);
        SDVariable z = scheme.symmetric() ? t.scalar(0)
                : t.min(t.max(t.rint(t.inWorkingType(zeroPoint)), t.scalar(scheme.qmin())), t.scalar(scheme.qmax()));
        AffineFormula.Params<SDVariable> p = new AffineFormula.Params<>(t.inWorkingType(scale), z);
        return t.output(AffineFormula.fakeQuantize(t, t.input(), p, scheme));
    }

    /** Learned clipping bounds for QAT; see {@link LearnedClipping} for the forward pass and gradients. */
    @Override
    public SDVariable fakeQuantizeLearned(SDVariable x, SDVariable low, SDVariable high, int bits) {
        return LearnedClipping.fakeQuantize(x, low, high, bits);
    }
}
