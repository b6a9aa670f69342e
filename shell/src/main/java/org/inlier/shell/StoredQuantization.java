package org.inlier.shell;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Quantizer;
import org.inlier.api.quant.SymmetricGrid;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.runtime.config.PipelineConfig;
import org.inlier.runtime.config.StageConfig;
import org.inlier.runtime.model.Checkpoint;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.quant.QuantizationPlan;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A run's quantized model as the quantize stage saved it ({@code quantized-<label>.zip}): the
 * floating-point weights it was quantized from (rewrites included) and the frozen parameters of
 * every quantized site, applied as fake quantization while the model is built — the same
 * arithmetic the evaluate stage measures.
 */
final class StoredQuantization implements SiteInstrumentation {

    private static final Pattern FILE = Pattern.compile("quantized-(.+)\\.zip");

    private final String label;
    private final Path file;
    private final Map<String, Map<String, Object>> sites;
    private final Map<String, INDArray> weights;
    private final Quantizer quantizer;
    private final SymmetricGrid weightGrid;
    private final SymmetricGrid activationGrid;
    private final Set<String> applied = new HashSet<>();

    private StoredQuantization(String label, Path file, Map<String, Map<String, Object>> sites, Map<String, INDArray> weights,
                               QuantizationPlan plan) {
        this.label = label;
        this.file = file;
        this.sites = sites;
        this.weights = weights;
        this.quantizer = plan.quantizer();
        this.weightGrid = plan.weights().grid();
        this.activationGrid = plan.activations().grid();
    }

    /** The quantized models of a run by label ({@code w8a8} for {@code quantized-w8a8.zip}), in label order. */
    static Map<String, Path> available(Path runDir) {
        Map<String, Path> found = new TreeMap<>();
        try (Stream<Path> files = Files.list(runDir)) {
            files.forEach(f -> {
                Matcher m = FILE.matcher(f.getFileName().toString());
                if (m.matches()) {
                    found.put(m.group(1), f);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + runDir, e);
        }
        return found;
    }

    /** A label as the quantize stage turns it into a file name: {@code W8A8} and {@code w8a8} are the same model. */
    static String fileLabel(String label) {
        return label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    /**
     * Loads one of a run's quantized models.
     *
     * @param runId  the run, for messages
     * @param runDir its folder
     * @param label  the label ({@code w8a8}, or as the report writes it, {@code W8A8})
     * @param config the run's pipeline, whose quantize stage names the quantizer
     * @throws IllegalArgumentException if the run has no quantized model of that label (the message lists those it has)
     */
    @SuppressWarnings("unchecked")
    static StoredQuantization load(String runId, Path runDir, String label, PipelineConfig config, PluginRegistry registry) {
        Map<String, Path> available = available(runDir);
        Path file = available.get(fileLabel(label));
        if (file == null) {
            throw new IllegalArgumentException("run " + runId + " has no quantized model '" + label + "'; "
                    + (available.isEmpty() ? "it has none (its pipeline ran no quantize stage, or not yet)"
                            : "it has: " + String.join(", ", available.keySet())));
        }
        Checkpoint stored = Checkpoint.load(file);
        Object sites = stored.state().get("sites");
        Map<String, INDArray> weights = stored.arrays().get("float");
        if (!(sites instanceof Map<?, ?>) || weights == null) {
            throw new IllegalArgumentException(file + " is not a quantized model written by the quantize stage (no sites or no float weights)");
        }
        String stateLabel = String.valueOf(stored.state().getOrDefault("label", label));
        return new StoredQuantization(stateLabel, file, (Map<String, Map<String, Object>>) sites, weights, plan(config, stateLabel, registry));
    }

    /** The quantize stage that wrote this label (its quantizer and grid conventions); the first one if none matches. */
    private static QuantizationPlan plan(PipelineConfig config, String label, PluginRegistry registry) {
        for (StageConfig stage : config.stages()) {
            if (stage.name().equals("quantize")) {
                QuantizationPlan plan = QuantizationPlan.of(stage, registry);
                if (plan.label().equals(label)) {
                    return plan;
                }
            }
        }
        return QuantizationPlan.of(config, registry);
    }

    /** The label as the quantize stage wrote it, e.g. {@code W8A8}. */
    String label() {
        return label;
    }

    /** The file it came from. */
    Path file() {
        return file;
    }

    /** The floating-point weights the model was quantized from, by variable name. */
    Map<String, INDArray> weights() {
        return weights;
    }

    @Override
    public SDVariable activation(QuantizationSite site, SDVariable x) {
        return quantize(site, x);
    }

    @Override
    public SDVariable weight(QuantizationSite site, SDVariable w) {
        return quantize(site, w);
    }

    /**
     * Checks that every stored site exists in the model built.
     *
     * @throws IllegalArgumentException naming the sites the model does not have
     */
    void checkAllApplied() {
        List<String> missing = new ArrayList<>(sites.keySet());
        missing.removeAll(applied);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(file + " quantizes " + missing.size() + " sites the model does not have (e.g. "
                    + missing.get(0) + "): it was written for another model than the run's pipeline builds");
        }
    }

    private SDVariable quantize(QuantizationSite site, SDVariable x) {
        return paramsOf(site).map(p -> quantizer.fakeQuantize(x, p, false)).orElse(x);
    }

    /** A site's frozen parameters as stored, or empty when it stays in float; a site asked for counts as applied. */
    Optional<QuantParams> paramsOf(QuantizationSite site) {
        Map<String, Object> stored = sites.get(site.name());
        if (stored == null) {
            return Optional.empty();
        }
        applied.add(site.name());
        return Optional.of(params(site, stored));
    }

    private QuantParams params(QuantizationSite site, Map<String, Object> stored) {
        Granularity granularity = Granularity.valueOf(String.valueOf(stored.get("granularity")).toUpperCase(Locale.ROOT));
        int axis = stored.get("axis") instanceof Number n ? n.intValue() : site.isWeight() ? site.channelAxis() : -1;
        SymmetricGrid grid = stored.get("grid") instanceof String g ? SymmetricGrid.valueOf(g.toUpperCase(Locale.ROOT).replace('-', '_'))
                : site.isWeight() ? weightGrid : activationGrid;
        QuantScheme scheme = new QuantScheme(((Number) stored.get("bits")).intValue(), (Boolean) stored.get("symmetric"), granularity, axis, grid);
        List<?> scale = (List<?>) stored.get("scale");
        List<?> zeroPoint = (List<?>) stored.get("zero_point");
        double[] s = new double[scale.size()];
        long[] z = new long[zeroPoint.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = ((Number) scale.get(i)).doubleValue();
            z[i] = ((Number) zeroPoint.get(i)).longValue();
        }
        return new QuantParams(scheme, s, z);
    }
}
