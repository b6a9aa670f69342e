package org.inlier.runtime.model;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.Quantizer;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fake quantization at every site with parameters, switched on and off per forward pass: a site's
 * output is {@code x + g·(x̂ − x) + h·(x̂' − x)}, where {@code x̂} uses the site's parameters,
 * {@code x̂'} its alternative ones (if it has any), and the switches {@code g}, {@code h} are scalar
 * placeholders fed with each batch (0 or 1). With every switch at 0 the graph computes the
 * floating-point model exactly ({@code x + 0 = x}). A weight's {@code x̂} is computed once, into a
 * constant ({@link #quantizeWeights}). One graph thus measures any combination of
 * quantized sites without rebuilding the model, which is what ranking every site by its own
 * quantization error needs.
 */
public final class SwitchedFakeQuantSites implements SiteInstrumentation {

    private static final INDArray OFF = Nd4j.scalar(DataType.FLOAT, 0f);
    private static final INDArray ON = Nd4j.scalar(DataType.FLOAT, 1f);

    private final Quantizer quantizer;
    private final Map<String, QuantParams> params;
    private final Map<String, QuantParams> alternatives;
    private final Map<String, String> switches = new LinkedHashMap<>();
    private final Map<String, String> alternativeSwitches = new LinkedHashMap<>();
    private final Map<String, WeightConstant> weightConstants = new LinkedHashMap<>();

    /**
     * @param quantizer    the quantizer to insert
     * @param params       the parameters of every switchable site, by site name
     * @param alternatives other parameters of some of those sites, switched separately
     */
    public SwitchedFakeQuantSites(Quantizer quantizer, Map<String, QuantParams> params, Map<String, QuantParams> alternatives) {
        this.quantizer = quantizer;
        this.params = Map.copyOf(params);
        this.alternatives = Map.copyOf(alternatives);
    }

    @Override
    public SDVariable activation(QuantizationSite site, SDVariable x) {
        return switched(site, x);
    }

    @Override
    public SDVariable weight(QuantizationSite site, SDVariable w) {
        return switched(site, w);
    }

    private SDVariable switched(QuantizationSite site, SDVariable x) {
        QuantParams p = params.get(site.name());
        if (p == null) {
            return x;
        }
        SDVariable out = x.add(quantized(site, x, p, ".quantized").sub(x).mul(placeholder(site.name() + ".switch", x, switches, site)));
        QuantParams alternative = alternatives.get(site.name());
        if (alternative != null) {
            out = out.add(quantized(site, x, alternative, ".quantized.alternative").sub(x)
                    .mul(placeholder(site.name() + ".switch.alternative", x, alternativeSwitches, site)));
        }
        return out;
    }

    /**
     * {@code x̂}: in the graph for activations; for a weight, a constant that {@link #quantizeWeights}
     * fills, since a weight does not change from pass to pass (and an embedding table is large).
     */
    private SDVariable quantized(QuantizationSite site, SDVariable x, QuantParams p, String suffix) {
        if (!site.isWeight()) {
            return quantizer.fakeQuantize(x, p, false);
        }
        SDVariable constant = x.getSameDiff().constant(site.name() + suffix, x.getArr().dup());
        weightConstants.put(constant.name(), new WeightConstant(x.name(), p));
        return constant;
    }

    /**
     * Fake-quantizes the weights into their constants, from the graph's current weight values:
     * call it once the model holds the weights to measure (after loading them, before any pass).
     *
     * @param sd the graph built with this instrumentation
     */
    public void quantizeWeights(SameDiff sd) {
        weightConstants.forEach((constant, w) -> sd.getVariable(constant).setArray(quantizer.fakeQuantize(sd.getArrForVarName(w.variable()), w.params())));
    }

    /** A weight's fake-quantized constant: the weight variable it is computed from, with which parameters. */
    private record WeightConstant(String variable, QuantParams params) {
    }

    private static SDVariable placeholder(String name, SDVariable x, Map<String, String> into, QuantizationSite site) {
        SDVariable s = x.getSameDiff().placeHolder(name, x.dataType());
        into.put(site.name(), s.name());
        return s;
    }

    /**
     * The switch feeds of one forward pass; sites named in neither set stay in floating point.
     *
     * @param quantized   sites quantized with their parameters
     * @param alternative sites quantized with their alternative parameters
     * @return a value for every switch of the graph
     * @throws IllegalArgumentException if a site has no such switch
     */
    public Map<String, INDArray> feeds(Collection<String> quantized, Collection<String> alternative) {
        Map<String, INDArray> feeds = new LinkedHashMap<>();
        switches.values().forEach(name -> feeds.put(name, OFF));
        alternativeSwitches.values().forEach(name -> feeds.put(name, OFF));
        turnOn(quantized, switches, feeds);
        turnOn(alternative, alternativeSwitches, feeds);
        return feeds;
    }

    /** The sites with a switch, in graph order. */
    public Set<String> sites() {
        return switches.keySet();
    }

    private static void turnOn(Collection<String> sites, Map<String, String> names, Map<String, INDArray> feeds) {
        for (String site : sites) {
            String name = names.get(site);
            if (name == null) {
                throw new IllegalArgumentException("site '" + site + "' has no such switch; switchable: " + names.keySet());
            }
            feeds.put(name, ON);
        }
    }
}
