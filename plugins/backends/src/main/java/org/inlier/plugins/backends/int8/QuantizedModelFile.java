package org.inlier.plugins.backends.int8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.QuantizedTensor;
import org.inlier.api.quant.SymmetricGrid;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The quantize stage's {@code quantized-<label>.zip}, read without the runtime: {@code state.json}
 * holds every quantized site's parameters ({@code sites.<name>.bits/symmetric/granularity/scale/zero_point}),
 * {@code int/<site>} the integer weight levels and {@code float/<variable>} the model's float
 * arrays (biases among them), each written with {@code Nd4j.write}.
 *
 * <p>The file does not record a per-channel scheme's axis or a symmetric grid's convention; the
 * axis is taken as 1 (the output columns of an {@code (in, out)} weight, as the model families
 * declare) and the grid as restricted, which only matters when parameters are computed, never
 * when they are applied.
 */
public final class QuantizedModelFile {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WEIGHT_CHANNEL_AXIS = 1;

    private final Path file;
    private final Map<String, QuantParams> sites;
    private final Map<String, INDArray> integers;
    private final Map<String, INDArray> floats;

    private QuantizedModelFile(Path file, Map<String, QuantParams> sites, Map<String, INDArray> integers, Map<String, INDArray> floats) {
        this.file = file;
        this.sites = Map.copyOf(sites);
        this.integers = Map.copyOf(integers);
        this.floats = Map.copyOf(floats);
    }

    /**
     * A quantized model held in memory, as the quantize stage would save it: for tests, and for
     * callers that quantized a model themselves.
     *
     * @param source   named in errors, e.g. the file it would be saved to
     * @param sites    every quantized site's parameters, weights included
     * @param integers the integer levels of every quantized weight site
     * @param floats   every float array of the model by variable name (biases, LayerNorm γ and β, ...)
     */
    public static QuantizedModelFile of(Path source, Map<String, QuantParams> sites, Map<String, INDArray> integers,
                                        Map<String, INDArray> floats) {
        return new QuantizedModelFile(source, sites, integers, floats);
    }

    /**
     * Reads a file written by the quantize stage.
     *
     * @throws UncheckedIOException     if it cannot be read
     * @throws IllegalArgumentException if it has no {@code state.json} with sites
     */
    public static QuantizedModelFile load(Path file) {
        JsonNode sites = null;
        Map<String, INDArray> integers = new HashMap<>();
        Map<String, INDArray> floats = new HashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                String name = e.getName();
                if (name.equals("state.json")) {
                    sites = JSON.readTree(zip.readAllBytes()).get("sites");
                } else if (name.startsWith("int/")) {
                    integers.put(name.substring(4), read(zip));
                } else if (name.startsWith("float/")) {
                    floats.put(name.substring(6), read(zip));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read quantized model " + file, e);
        }
        if (sites == null) {
            throw new IllegalArgumentException(file + " has no state.json with sites: not a quantize stage's output");
        }
        Map<String, QuantParams> params = new HashMap<>();
        sites.fields().forEachRemaining(e -> params.put(e.getKey(), params(e.getValue())));
        return new QuantizedModelFile(file, params, integers, floats);
    }

    /** Whether the site is quantized in this file (a site of the model not listed stays in float). */
    public boolean quantizes(String site) {
        return sites.containsKey(site);
    }

    /** The quantized activation sites, those without integer levels. */
    public List<String> activationSites() {
        List<String> names = new ArrayList<>(sites.keySet());
        names.removeIf(integers::containsKey);
        return names;
    }

    /** Whether the model has a float array of this name. */
    public boolean hasFloat(String variable) {
        return floats.containsKey(variable);
    }

    /** The file this model was read from. */
    public Path file() {
        return file;
    }

    /** A site's frozen parameters. */
    public QuantParams params(String site) {
        QuantParams p = sites.get(site);
        if (p == null) {
            throw new IllegalArgumentException("site '" + site + "' is not quantized in " + file);
        }
        return p;
    }

    /** A site's parameters as {@code state.json} gives them. */
    private static QuantParams params(JsonNode s) {
        Granularity granularity = Granularity.valueOf(s.get("granularity").asText().toUpperCase(Locale.ROOT));
        QuantScheme scheme = new QuantScheme(s.get("bits").asInt(), s.get("symmetric").asBoolean(), granularity,
                granularity == Granularity.CHANNEL ? WEIGHT_CHANNEL_AXIS : -1, SymmetricGrid.RESTRICTED);
        double[] scale = new double[s.get("scale").size()];
        long[] zeroPoint = new long[scale.length];
        for (int i = 0; i < scale.length; i++) {
            scale[i] = s.get("scale").get(i).asDouble();
            zeroPoint[i] = s.get("zero_point").get(i).asLong();
        }
        return new QuantParams(scheme, scale, zeroPoint);
    }

    /** A weight site's integer levels with its parameters. */
    public QuantizedTensor weight(String site) {
        INDArray levels = integers.get(site);
        if (levels == null) {
            throw new IllegalArgumentException("no integer weight '" + site + "' in " + file);
        }
        return new QuantizedTensor(levels, params(site));
    }

    /** A float array of the model, by variable name. */
    public INDArray floatArray(String variable) {
        INDArray array = floats.get(variable);
        if (array == null) {
            throw new IllegalArgumentException("no float array '" + variable + "' in " + file);
        }
        return array;
    }

    /**
     * The integer linear layer {@code name} (weight {@code name.weight}, bias {@code name.bias})
     * from a quantized activation site to another, or to a float output when {@code outputSite}
     * is not quantized in this file.
     */
    public QuantizedLinear linear(String name, String inputSite, String outputSite, Int8Gemm gemm) {
        return new QuantizedLinear(weight(name + ".weight"), floatArray(name + ".bias").toFloatVector(),
                params(inputSite), quantizes(outputSite) ? params(outputSite) : null, gemm);
    }

    private static INDArray read(ZipInputStream zip) throws IOException {
        return Nd4j.read(new DataInputStream(new ByteArrayInputStream(zip.readAllBytes())));
    }
}
