package org.inlier.plugins.backends.int8;

import java.util.LinkedHashMap;
import java.util.Map;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.Quantizer;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * The fake-quant simulation as evaluation builds it (the runtime's FakeQuantSites): sites with
 * parameters are fake-quantized, the others stay in float; the variable each site continues with
 * is recorded by name.
 */
final class SimulationSites implements SiteInstrumentation {

    private final Quantizer quantizer;
    private final Map<String, QuantParams> params;
    final Map<String, SDVariable> activations = new LinkedHashMap<>();
    final Map<String, SDVariable> weights = new LinkedHashMap<>();

    SimulationSites(Quantizer quantizer, Map<String, QuantParams> params) {
        this.quantizer = quantizer;
        this.params = Map.copyOf(params);
    }

    @Override
    public SDVariable activation(QuantizationSite site, SDVariable x) {
        SDVariable y = quantize(site, x);
        activations.put(site.name(), y);
        return y;
    }

    @Override
    public SDVariable weight(QuantizationSite site, SDVariable w) {
        weights.put(site.name(), w);
        return quantize(site, w);
    }

    private SDVariable quantize(QuantizationSite site, SDVariable x) {
        QuantParams p = params.get(site.name());
        return p == null ? x : quantizer.fakeQuantize(x, p, false);
    }
}
