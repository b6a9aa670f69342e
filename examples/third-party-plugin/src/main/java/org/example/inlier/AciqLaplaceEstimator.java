package org.example.inlier;

import java.util.List;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Quantizer;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.RangeEstimator;
import org.inlier.api.quant.RangeObserver;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Range estimator {@value #ID}: ACIQ's analytical clipping for a Laplace distribution (Banner,
 * Nahshan, Soudry, "Post-training 4-bit quantization of convolution networks for rapid-deployment",
 * NeurIPS 2019).
 *
 * <p>For {@code X ~ Laplace(μ, b)} clipped to {@code [μ − α, μ + α]} and rounded to {@code 2^M}
 * levels, the expected squared error is {@code 2b²·e^(−α/b)} (clipping, both tails) plus
 * {@code α² / (3·4^M)} (rounding, a step of {@code 2α / 2^M}). Setting its derivative to zero gives
 * {@code (α/b)·e^(α/b) = 3·4^M}, so {@code α* = W(3·4^M)·b} with W the Lambert W function:
 * 2.83b, 3.89b and 5.03b at 2, 3 and 4 bits (the paper's values), 9.89b at 8 bits.
 *
 * <p>μ is the mean and b is estimated from the standard deviation ({@code Var = 2b²}), because both
 * accumulate exactly over batches in constant memory. The range is intersected with the observed
 * minimum and maximum (option {@code clip_to_observed}): past them it would only waste grid levels.
 * Per-channel schemes get one range per channel; per-token schemes one per-tensor range, since
 * their real ranges are computed when quantizing.
 */
public final class AciqLaplaceEstimator implements RangeEstimator {

    /** The id pipeline files use. */
    public static final String ID = "aciq-laplace";

    /** Option: whether the range may not go past the observed extremes. */
    public static final String CLIP_TO_OBSERVED = "clip_to_observed";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "ACIQ clipping for a Laplace fit: mean +- W(3*4^bits) * b, b = std / sqrt(2) (Banner et al. 2019)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.bool(CLIP_TO_OBSERVED, true,
                "never extend the range past the observed minimum and maximum"));
    }

    @Override
    public RangeObserver observer(QuantScheme scheme, Quantizer quantizer, Options options) {
        boolean clipToObserved = options.getBoolean(CLIP_TO_OBSERVED);
        double multiple = clippingMultiple(scheme.bits());
        Moments moments = new Moments();
        return new RangeObserver() {
            @Override
            public void observe(INDArray x) {
                moments.include(rows(x, scheme));
            }

            @Override
            public Range range() {
                int channels = moments.channels();
                double[] min = new double[channels];
                double[] max = new double[channels];
                for (int c = 0; c < channels; c++) {
                    double alpha = multiple * moments.std(c) / Math.sqrt(2);
                    min[c] = moments.mean(c) - alpha;
                    max[c] = moments.mean(c) + alpha;
                    if (clipToObserved) {
                        min[c] = Math.max(min[c], moments.min(c));
                        max[c] = Math.min(max[c], moments.max(c));
                    }
                }
                return new Range(min, max);
            }
        };
    }

    /**
     * ACIQ's optimal clipping value in units of the Laplace scale b for a bit width:
     * the solution t of {@code t·e^t = 3·4^bits}.
     */
    public static double clippingMultiple(int bits) {
        return lambertW(3 * Math.pow(4, bits));
    }

    /** The principal branch of the Lambert W function, {@code w·e^w = c}, for {@code c ≥ e} (so {@code w ≥ 1}). */
    static double lambertW(double c) {
        if (!(c >= Math.E)) {
            throw new IllegalArgumentException("lambertW is only needed here for c >= e, got " + c);
        }
        double w = Math.log(c) - Math.log(Math.log(c)); // within a few percent for c >= e
        for (int i = 0; i < 50; i++) {
            double step = (w * Math.exp(w) - c) / (Math.exp(w) * (w + 1)); // Newton on w·e^w − c
            w -= step;
            if (Math.abs(step) < 1e-15 * w) {
                break;
            }
        }
        return w;
    }

    /** {@code x} as {@code [ranges, n]}: one row per channel for per-channel schemes, one row otherwise. */
    static INDArray rows(INDArray x, QuantScheme scheme) {
        INDArray values = x.castTo(DataType.DOUBLE);
        if (scheme.granularity() != Granularity.CHANNEL) {
            return values.reshape('c', 1, values.length());
        }
        int rank = values.rank();
        int axis = scheme.axis() < 0 ? scheme.axis() + rank : scheme.axis();
        if (axis < 0 || axis >= rank) {
            throw new IllegalArgumentException("channel axis " + scheme.axis() + " is out of range for rank " + rank);
        }
        int[] order = new int[rank];
        order[0] = axis;
        for (int a = 0, i = 1; a < rank; a++) {
            if (a != axis) {
                order[i++] = a;
            }
        }
        return values.permute(order).dup('c').reshape('c', values.size(axis), values.length() / values.size(axis));
    }
}
