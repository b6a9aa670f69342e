package org.inlier.plugins.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.nd4j.autodiff.samediff.SDVariable;

/** Instrumentation that leaves tensors unchanged and remembers every declared site and its variable. */
final class SiteCapture implements SiteInstrumentation {

    final List<QuantizationSite> declared = new ArrayList<>();
    final Map<String, SDVariable> variables = new LinkedHashMap<>();

    @Override
    public SDVariable activation(QuantizationSite site, SDVariable x) {
        declared.add(site);
        variables.put(site.name(), x);
        return x;
    }

    @Override
    public SDVariable weight(QuantizationSite site, SDVariable w) {
        declared.add(site);
        variables.put(site.name(), w);
        return w;
    }
}
