package org.inlier.plugins.onnx;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.inlier.api.model.ModelFamily;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.SymmetricGrid;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.plugins.attention.SoftmaxAttention;
import org.inlier.plugins.quantizers.UniformAffineQuantizer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A model family built three ways for the export tests — floating point, with Inlier's fake
 * quantization, and marked for QDQ export — with parameters calibrated by min-max on one batch,
 * the way the calibrate and quantize stages compute them.
 */
final class TinyModels {

    static final UniformAffineQuantizer QUANTIZER = new UniformAffineQuantizer();

    private final ModelFamily family;
    private final Options options;
    private final int vocab;
    private final Map<QuantizationSite, SDVariable> recorded = new LinkedHashMap<>();
    private ModelGraph fp;

    TinyModels(ModelFamily family, Map<String, Object> options, int vocab) {
        this.family = family;
        this.options = Options.withDefaults(family.options(), options);
        this.vocab = vocab;
    }

    ModelGraph build(SiteInstrumentation sites) {
        SoftmaxAttention attention = new SoftmaxAttention();
        return family.build(new ModelSpec(options, vocab, attention, Options.withDefaults(attention.options(), Map.of()), sites, 7, false));
    }

    /** The floating-point model, built once (a pretrained family's build reads its whole checkpoint), with its sites recorded. */
    ModelGraph fp() {
        if (fp == null) {
            fp = build(new SiteInstrumentation() {
                @Override
                public SDVariable activation(QuantizationSite site, SDVariable x) {
                    recorded.put(site, x);
                    return x;
                }

                @Override
                public SDVariable weight(QuantizationSite site, SDVariable w) {
                    recorded.put(site, w);
                    return w;
                }
            });
        }
        return fp;
    }

    Map<String, INDArray> batch(int size, long seed) {
        Random random = new Random(seed);
        int seq = family.sequenceLength(options);
        int[][] windows = new int[size][seq + 1];
        for (int[] w : windows) {
            for (int t = 0; t < w.length; t++) {
                w[t] = 1 + random.nextInt(vocab - 1);
            }
        }
        return family.batch(windows, options, vocab, false, random);
    }

    /**
     * Frozen parameters for every site but the head's, from the floating-point ranges on a batch:
     * activations asymmetric per tensor with {@code activationBits}, weights symmetric per output
     * channel with {@code weightBits}.
     */
    Map<String, QuantParams> calibrate(Map<String, INDArray> feeds, int weightBits, int activationBits) {
        Map<String, INDArray> values = fp().sd().output(feeds, recorded.values().stream().map(SDVariable::name).toList());
        Map<String, QuantParams> params = new LinkedHashMap<>();
        recorded.forEach((site, v) -> {
            if (site.name().startsWith("head.")) {
                return;
            }
            INDArray x = values.get(v.name());
            if (site.isWeight()) {
                QuantScheme scheme = new QuantScheme(weightBits, true, Granularity.CHANNEL, site.channelAxis(), SymmetricGrid.RESTRICTED);
                INDArray min = x.min(0);
                INDArray max = x.max(0);
                params.put(site.name(), QUANTIZER.params(scheme, new Range(min.toDoubleVector(), max.toDoubleVector())));
            } else {
                QuantScheme scheme = QuantScheme.asymmetricPerTensor(activationBits);
                params.put(site.name(), QUANTIZER.params(scheme, Range.of(x.minNumber().doubleValue(), x.maxNumber().doubleValue())));
            }
        });
        return params;
    }

    /** Inlier's fake quantization at the sites that have parameters, as the evaluate stage inserts it; remembers each site's output. */
    static final class FakeQuant implements SiteInstrumentation {
        private final Map<String, QuantParams> params;
        final Map<String, String> outputs = new LinkedHashMap<>();

        FakeQuant(Map<String, QuantParams> params) {
            this.params = params;
        }

        @Override
        public SDVariable activation(QuantizationSite site, SDVariable x) {
            QuantParams p = params.get(site.name());
            if (p == null) {
                return x;
            }
            SDVariable q = QUANTIZER.fakeQuantize(x, p, false);
            outputs.put(site.name(), q.name());
            return q;
        }

        @Override
        public SDVariable weight(QuantizationSite site, SDVariable w) {
            return activation(site, w);
        }
    }
}
