package org.inlier.plugins.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.site.QuantizationSite;

/**
 * The quantization encodings of an export in the layout AIMET writes next to its ONNX models
 * ({@code activation_encodings} and {@code param_encodings}, one list entry per tensor or per
 * channel with {@code bitwidth}, {@code scale}, {@code offset}, {@code min}, {@code max},
 * {@code is_symmetric}, {@code dtype}), so tools that read AIMET encodings can take Inlier's.
 *
 * <p>Entries are keyed by Inlier's site name; {@code onnx_tensor} names the dequantized tensor in
 * the file and {@code onnx_dtype} the integer type the levels travel in. AIMET's {@code offset} is
 * the grid's lowest level relative to the zero-point, {@code offset = qmin − zero_point}, so that
 * {@code min = offset · scale} and {@code max = (offset + 2^bitwidth − 1) · scale}.
 */
public final class Encodings {

    /** The AIMET encodings version whose layout this follows. */
    static final String VERSION = "0.6.1";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, List<Map<String, Object>>> activations = new LinkedHashMap<>();
    private final Map<String, List<Map<String, Object>>> params = new LinkedHashMap<>();

    /** Adds a site's encoding. */
    void add(QuantizationSite site, QuantParams p, String tensor) {
        QuantScheme scheme = p.scheme();
        double[] scale = p.scale();
        long[] zeroPoint = p.zeroPoint();
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < scale.length; i++) {
            Map<String, Object> e = new LinkedHashMap<>();
            long offset = scheme.qmin() - zeroPoint[i];
            e.put("bitwidth", scheme.bits());
            e.put("dtype", "int");
            e.put("is_symmetric", scheme.symmetric() ? "True" : "False");
            e.put("scale", scale[i]);
            e.put("offset", offset);
            e.put("min", offset * scale[i]);
            e.put("max", (scheme.qmax() - zeroPoint[i]) * scale[i]);
            e.put("onnx_tensor", tensor);
            e.put("onnx_dtype", IntegerType.of(scheme).label());
            entries.add(e);
        }
        (site.isWeight() ? params : activations).put(site.name(), entries);
    }

    /** Whether no site is quantized. */
    public boolean isEmpty() {
        return activations.isEmpty() && params.isEmpty();
    }

    /** The number of quantized sites. */
    public int size() {
        return activations.size() + params.size();
    }

    /** The JSON document. */
    public byte[] json() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", VERSION);
        doc.put("activation_encodings", activations);
        doc.put("param_encodings", params);
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
