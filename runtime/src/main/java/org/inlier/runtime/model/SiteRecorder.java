package org.inlier.runtime.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Records every site a model declares, with the floating-point variable computed there, and
 * passes the tensor on to another instrumentation (none, or fake quantization).
 */
public final class SiteRecorder implements SiteInstrumentation {

    private final SiteInstrumentation next;
    private final Map<QuantizationSite, SDVariable> sites = new LinkedHashMap<>();

    /** @param next what to do at each site after recording it */
    public SiteRecorder(SiteInstrumentation next) {
        this.next = next;
    }

    @Override
    public SDVariable activation(QuantizationSite site, SDVariable x) {
        record(site, x);
        return next.activation(site, x);
    }

    @Override
    public SDVariable weight(QuantizationSite site, SDVariable w) {
        record(site, w);
        return next.weight(site, w);
    }

    /** Every declared site in graph order, with its floating-point (pre-quantization) variable. */
    public Map<QuantizationSite, SDVariable> sites() {
        return Collections.unmodifiableMap(sites);
    }

    private void record(QuantizationSite site, SDVariable x) {
        if (sites.putIfAbsent(site, x) != null) {
            throw new IllegalStateException("the model declares site '" + site.name() + "' twice");
        }
    }
}
