package org.inlier.runtime.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.Quantizer;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.nd4j.autodiff.samediff.SDVariable;

/** Inserts fake quantization at the sites that have frozen parameters; other sites stay in float. */
public final class FakeQuantSites implements SiteInstrumentation {

    private final Quantizer quantizer;
    private final Map<String, QuantParams> params;
    private final boolean straightThrough;
    private final Map<String, SDVariable> outputs = new LinkedHashMap<>();

    /**
     * @param quantizer       the quantizer to insert
     * @param params          frozen parameters by site name
     * @param straightThrough whether gradients pass through the rounding (training) or not (inference)
     */
    public FakeQuantSites(Quantizer quantizer, Map<String, QuantParams> params, boolean straightThrough) {
        this.quantizer = quantizer;
        this.params = Map.copyOf(params);
        this.straightThrough = straightThrough;
    }

    @Override
    public SDVariable activation(QuantizationSite site, SDVariable x) {
        return quantize(site, x);
    }

    @Override
    public SDVariable weight(QuantizationSite site, SDVariable w) {
        return quantize(site, w);
    }

    /** The fake-quantized variable of every quantized site, by site name (for per-site error). */
    public Map<String, SDVariable> outputs() {
        return Collections.unmodifiableMap(outputs);
    }

    private SDVariable quantize(QuantizationSite site, SDVariable x) {
        QuantParams p = params.get(site.name());
        if (p == null) {
            return x;
        }
        SDVariable q = quantizer.fakeQuantize(x, p, straightThrough);
        outputs.put(site.name(), q);
        return q;
    }
}
