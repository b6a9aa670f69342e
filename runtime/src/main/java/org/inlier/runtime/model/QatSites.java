package org.inlier.runtime.model;

import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Quantizer;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.SymmetricGrid;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.api.site.SiteKind;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Quantization-aware training (Nrusimha et al. 2024): every selected activation site is
 * fake-quantized per tensor between two trainable bounds {@code <site>.qat.low} and
 * {@code <site>.qat.high}, which the optimiser learns with the weights; every selected weight is
 * fake-quantized too, symmetric with its current min-max range per output channel or per tensor,
 * with a straight-through gradient. The weight grid is the one post-training quantization
 * (RTN, min-max, symmetric) then uses, so training sees the weights it will be evaluated with.
 */
public final class QatSites implements SiteInstrumentation {

    /** The inputs of linear layers: LayerNorm outputs (Q/K/V, FFN in), attention context (out-projection), FFN hidden (second linear). */
    public static final Set<SiteKind> LINEAR_INPUTS = Set.of(SiteKind.LAYERNORM_OUTPUT, SiteKind.ATTENTION_CONTEXT, SiteKind.FFN_HIDDEN);

    /** The variable holding a site's learned lower clipping bound. */
    public static String lowBound(String site) {
        return site + ".qat.low";
    }

    /** The variable holding a site's learned upper clipping bound. */
    public static String highBound(String site) {
        return site + ".qat.high";
    }

    private final Quantizer quantizer;
    private final int bits;
    private final Map<String, Range> initialBounds;
    private final Set<String> weights;
    private final Granularity weightGranularity;

    /**
     * @param quantizer         provides the fake quantization
     * @param bits              bit width of activations and weights during training
     * @param initialBounds     the starting bounds of every activation site to quantize, by site name
     * @param weights           the weight sites to quantize
     * @param weightGranularity {@link Granularity#CHANNEL} (along each site's channel axis) or {@link Granularity#TENSOR}
     */
    public QatSites(Quantizer quantizer, int bits, Map<String, Range> initialBounds, Set<String> weights, Granularity weightGranularity) {
        if (weightGranularity == Granularity.TOKEN) {
            throw new IllegalArgumentException("weights are quantized per channel or per tensor, not per token");
        }
        this.quantizer = quantizer;
        this.bits = bits;
        this.initialBounds = Map.copyOf(initialBounds);
        this.weights = Set.copyOf(weights);
        this.weightGranularity = weightGranularity;
    }

    @Override
    public SDVariable activation(QuantizationSite site, SDVariable x) {
        Range start = initialBounds.get(site.name());
        if (start == null) {
            return x;
        }
        SDVariable low = x.getSameDiff().var(lowBound(site.name()), Nd4j.scalar(DataType.FLOAT, start.min()[0]));
        SDVariable high = x.getSameDiff().var(highBound(site.name()), Nd4j.scalar(DataType.FLOAT, start.max()[0]));
        return quantizer.fakeQuantizeLearned(x, low, high, bits);
    }

    @Override
    public SDVariable weight(QuantizationSite site, SDVariable w) {
        return weights.contains(site.name()) ? fakeQuantizeWeight(quantizer, w, site.channelAxis(), weightGranularity, bits) : w;
    }

    /**
     * Symmetric fake quantization of a weight whose range is its own current min-max, recomputed at
     * every step as the weight changes: the tensor is laid out as one row per output channel (or
     * one row in all) and quantized per row, whose ranges the quantizer treats as constants. Every
     * value lies inside its row's range, so the gradient is the upstream gradient (straight through).
     *
     * @param w           the weight variable, any rank
     * @param channelAxis its output-channel axis (negative counts from the end)
     * @param granularity per channel or per tensor
     * @param bits        the bit width
     */
    public static SDVariable fakeQuantizeWeight(Quantizer quantizer, SDVariable w, int channelAxis, Granularity granularity, int bits) {
        QuantParams perRow = new QuantParams(new QuantScheme(bits, true, Granularity.TOKEN, -1, SymmetricGrid.RESTRICTED),
                new double[0], new long[0]);
        long[] shape = w.getArr().shape();
        if (granularity == Granularity.TENSOR) {
            return quantizer.fakeQuantize(w.reshape(1, -1), perRow, true).reshape(shape);
        }
        int rank = shape.length;
        int axis = channelAxis < 0 ? rank + channelAxis : channelAxis;
        int[] order = IntStream.concat(IntStream.of(axis), IntStream.range(0, rank).filter(a -> a != axis)).toArray();
        int[] inverse = new int[rank];
        long[] permuted = new long[rank];
        for (int i = 0; i < rank; i++) {
            inverse[order[i]] = i;
            permuted[i] = shape[order[i]];
        }
        SDVariable rows = w.permute(order).reshape(shape[axis], -1); // (channels, everything else)
        return quantizer.fakeQuantize(rows, perRow, true).reshape(permuted).permute(inverse);
    }
}
