package org.inlier.runtime.model;

import java.util.Map;
import java.util.Set;
import org.inlier.api.quant.Quantizer;
import org.inlier.api.quant.Range;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.api.site.SiteKind;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Quantization-aware training of layer inputs (Nrusimha et al. 2024): every selected activation
 * site is fake-quantized per tensor between two trainable bounds {@code <site>.qat.low} and
 * {@code <site>.qat.high}, which the optimiser learns with the weights.
 */
public final class QatSites implements SiteInstrumentation {

    /** The inputs of linear layers: LayerNorm outputs (Q/K/V, FFN in), attention context (out-projection), FFN hidden (second linear). */
    public static final Set<SiteKind> LINEAR_INPUTS = Set.of(SiteKind.LAYERNORM_OUTPUT, SiteKind.ATTENTION_CONTEXT, SiteKind.FFN_HIDDEN);

    private final Quantizer quantizer;
    private final int bits;
    private final Map<String, Range> initialBounds;

    /**
     * @param quantizer     provides the learned-range fake quantization
     * @param bits          activation bit width during training
     * @param initialBounds the starting bounds of every site to quantize, by site name
     */
    public QatSites(Quantizer quantizer, int bits, Map<String, Range> initialBounds) {
        this.quantizer = quantizer;
        this.bits = bits;
        this.initialBounds = Map.copyOf(initialBounds);
    }

    @Override
    public SDVariable activation(QuantizationSite site, SDVariable x) {
        Range start = initialBounds.get(site.name());
        if (start == null) {
            return x;
        }
        SDVariable low = x.getSameDiff().var(site.name() + ".qat.low", Nd4j.scalar(DataType.FLOAT, start.min()[0]));
        SDVariable high = x.getSameDiff().var(site.name() + ".qat.high", Nd4j.scalar(DataType.FLOAT, start.max()[0]));
        return quantizer.fakeQuantizeLearned(x, low, high, bits);
    }

    @Override
    public SDVariable weight(QuantizationSite site, SDVariable w) {
        return w;
    }
}
