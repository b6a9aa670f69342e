package org.inlier.plugins.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Marks every quantized site of a model being built for export: the site's tensor passes through an
 * identity op named {@code <site>}{@value #SUFFIX}, which {@link OnnxExport} replaces by
 * {@code QuantizeLinear → DequantizeLinear} (activations) or by an integer initializer and
 * {@code DequantizeLinear} (weights). The graph computes in floating point as if nothing were
 * quantized; only the exported file carries the quantizers.
 *
 * <p>Which sites are quantized, and how, comes from a lookup rather than a fixed map, so a caller
 * can answer from whatever holds the frozen parameters (a run's {@code quantized-<label>.zip}, the
 * runtime's plan). Sites whose parameters ONNX cannot express fail here, naming the site, before
 * anything is written.
 */
public final class QdqSites implements SiteInstrumentation {

    /** Appended to a site's name to name its marker (and, in the ONNX file, its dequantized tensor). */
    public static final String SUFFIX = ".dequantized";

    private final Function<QuantizationSite, Optional<QuantParams>> lookup;
    private final Map<String, Marked> marked = new LinkedHashMap<>();

    /** A site marked for quantization: the site, its parameters and the variable the marker reads. */
    record Marked(QuantizationSite site, QuantParams params, String input) {
    }

    /**
     * @param lookup the frozen parameters of a site, or empty to leave it in floating point
     */
    public QdqSites(Function<QuantizationSite, Optional<QuantParams>> lookup) {
        this.lookup = lookup;
    }

    /** Marks the sites of a fixed map of parameters by site name. */
    public static QdqSites of(Map<String, QuantParams> params) {
        Map<String, QuantParams> copy = Map.copyOf(params);
        return new QdqSites(site -> Optional.ofNullable(copy.get(site.name())));
    }

    @Override
    public SDVariable activation(QuantizationSite site, SDVariable x) {
        return mark(site, x);
    }

    @Override
    public SDVariable weight(QuantizationSite site, SDVariable w) {
        return mark(site, w);
    }

    /** Every marked site by the name of its marker variable, in the order the model declared them. */
    Map<String, Marked> marked() {
        return Collections.unmodifiableMap(marked);
    }

    private SDVariable mark(QuantizationSite site, SDVariable x) {
        Optional<QuantParams> params = lookup.apply(site);
        if (params.isEmpty()) {
            return x;
        }
        QuantParams p = params.get();
        if (p.scheme().granularity() == Granularity.TOKEN) {
            throw new IllegalArgumentException("site " + site.name() + " is quantized per token: its scale and zero-point are computed"
                    + " from each token's range at run time, which ONNX QuantizeLinear (a fixed scale per tensor or per axis) cannot"
                    + " express; export a model quantized per tensor at that site (or keep it in float)");
        }
        IntegerType.of(p.scheme()); // fails for grids no ONNX integer type holds
        SDVariable marker = x.getSameDiff().identity(site.name() + SUFFIX, x);
        marked.put(marker.name(), new Marked(site, p, x.name()));
        return marker;
    }
}
