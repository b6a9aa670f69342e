package org.inlier.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.inlier.api.backend.Capabilities;
import org.inlier.api.backend.HardwareBackend;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.plugin.Plugin;
import org.inlier.api.plugin.PluginKind;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.stages.PluginSlot;
import org.inlier.runtime.stages.Stage;

/**
 * Checks a parsed pipeline against the loaded plugins and the stages' declared options, and
 * binds it to a {@link PipelineConfig}. Every problem is collected; nothing runs unless there
 * are none.
 */
public final class PipelineValidator {

    /** The field of a sweep file, which the sweep runner expands before validating each pipeline. */
    public static final String SWEEP = "sweep";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<String> TOP_LEVEL = List.of("name", "seed", "model", "data", "attention", "backend", "suppression", "stages");

    private final PluginRegistry registry;
    private final Map<String, Stage> stages;
    private final List<ConfigProblem> problems = new ArrayList<>();

    private PipelineValidator(PluginRegistry registry, Map<String, Stage> stages) {
        this.registry = registry;
        this.stages = stages;
    }

    /**
     * Validates and binds a pipeline.
     *
     * @param root        the parsed file
     * @param displayName how errors name the file
     * @param defaultName the pipeline's name when the file sets none
     * @param registry    the loaded plugins
     * @param stages      the known stages by name
     * @throws PipelineException with every problem found
     */
    public static PipelineConfig validate(JsonNode root, String displayName, String defaultName,
                                          PluginRegistry registry, Map<String, Stage> stages) {
        PipelineValidator v = new PipelineValidator(registry, stages);
        PipelineConfig config = v.bind(root, defaultName);
        if (!v.problems.isEmpty()) {
            throw new PipelineException(displayName, v.problems);
        }
        return config;
    }

    private PipelineConfig bind(JsonNode root, String defaultName) {
        for (Iterator<String> keys = root.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (key.equals(SWEEP)) {
                problem(key, "a sweep block expands into several pipelines; run it (or check it with --dry-run) with 'inlier sweep <file>'");
            } else if (!TOP_LEVEL.contains(key)) {
                problem(key, "unknown field; " + Suggestions.hint(key, TOP_LEVEL));
            }
        }
        String name = root.hasNonNull("name") ? root.get("name").asText() : defaultName;
        long seed = 42;
        if (root.has("seed")) {
            if (root.get("seed").canConvertToLong() && root.get("seed").isIntegralNumber()) {
                seed = root.get("seed").asLong();
            } else {
                problem("seed", "got " + root.get("seed") + "; allowed: an integer");
            }
        }
        PluginRef model = plugin("model", root.get("model"), "family", PluginKind.MODEL_FAMILY, null);
        PluginRef data = plugin("data", root.get("data"), "set", PluginKind.DATASET, null);
        PluginRef attention = plugin("attention", root.get("attention"), "variant", PluginKind.ATTENTION_VARIANT, "vanilla");
        PluginRef backend = plugin("backend", root.get("backend"), "id", PluginKind.HARDWARE_BACKEND, "nd4j-cpu");
        List<PluginRef> suppression = suppression(root.get("suppression"));
        List<StageConfig> stageConfigs = stages(root.get("stages"));
        checkCapabilities(backend, stageConfigs);

        Map<String, Object> resolved = new LinkedHashMap<>();
        resolved.put("name", name);
        resolved.put("seed", seed);
        resolved.put("model", describe(model, "family"));
        resolved.put("data", describe(data, "set"));
        resolved.put("attention", describe(attention, "variant"));
        resolved.put("backend", describe(backend, "id"));
        resolved.put("suppression", suppression.stream().map(s -> describe(s, "id")).toList());
        resolved.put("stages", stageConfigs.stream().map(PipelineValidator::describe).toList());
        return new PipelineConfig(name, seed, model, data, attention, backend, suppression, stageConfigs, resolved);
    }

    private PluginRef plugin(String path, JsonNode node, String idKey, PluginKind kind, String defaultId) {
        if (node == null || node.isNull()) {
            if (defaultId == null) {
                problem(path, "missing; name a " + kind.label() + " with '" + idKey + "': one of " + String.join(", ", registry.ids(kind)));
                return null;
            }
            return resolvePlugin(path, kind, defaultId, Map.of());
        }
        if (node.isTextual()) {
            return resolvePlugin(path, kind, node.asText(), Map.of());
        }
        if (!node.isObject()) {
            problem(path, "got " + node + "; allowed: a " + kind.label() + " id, or a block with '" + idKey + "' and its options");
            return null;
        }
        Map<String, JsonNode> options = new LinkedHashMap<>();
        flatten("", node, options, java.util.Set.of()); // nested option blocks, e.g. fine: { epochs: 2 }, become fine.epochs
        JsonNode id = options.remove(idKey);
        if (id == null && defaultId == null) {
            problem(path + "." + idKey, "missing; one of " + String.join(", ", registry.ids(kind)));
            return null;
        }
        return resolvePlugin(path, kind, id == null ? defaultId : id.asText(), options);
    }

    private PluginRef resolvePlugin(String path, PluginKind kind, String id, Map<String, JsonNode> given) {
        Plugin plugin = registry.find(kind, id, Plugin.class).orElse(null);
        if (plugin == null) {
            problem(path, "unknown " + kind.label() + " '" + id + "'; " + Suggestions.hint(id, registry.ids(kind)));
            return null;
        }
        return new PluginRef(kind, id, options(path, plugin.options(), given, kind.label() + " '" + id + "'"));
    }

    /** A list of outlier-suppression methods, each an id or a block with {@code id} and options; absent means none. */
    private List<PluginRef> suppression(JsonNode node) {
        List<PluginRef> methods = new ArrayList<>();
        if (node == null || node.isNull()) {
            return methods;
        }
        if (!node.isArray()) {
            problem("suppression", "got " + node + "; allowed: a list of outlier-suppression methods");
            return methods;
        }
        for (int i = 0; i < node.size(); i++) {
            PluginRef ref = plugin("suppression[" + i + "]", node.get(i), "id", PluginKind.OUTLIER_SUPPRESSION, null);
            if (ref != null) {
                methods.add(ref);
            }
        }
        return methods;
    }

    private List<StageConfig> stages(JsonNode node) {
        List<StageConfig> result = new ArrayList<>();
        if (node == null || !node.isArray() || node.isEmpty()) {
            problem("stages", "missing or empty; allowed: a list of stages, each one of " + String.join(", ", stages.keySet()));
            return result;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            String path = "stages[" + i + "]";
            String stageName;
            JsonNode body;
            if (item.isTextual()) {
                stageName = item.asText();
                body = null;
            } else if (item.isObject() && item.size() == 1) {
                stageName = item.fieldNames().next();
                body = item.get(stageName);
            } else {
                problem(path, "expected a stage name or a single-key block such as '- train: {steps: 100}'");
                continue;
            }
            Stage stage = stages.get(stageName);
            if (stage == null) {
                problem(path, "unknown stage '" + stageName + "'; " + Suggestions.hint(stageName, stages.keySet()));
                continue;
            }
            StageConfig config = stage(path + "." + stageName, stage, body);
            if (config != null) {
                result.add(config);
            }
        }
        return result;
    }

    private StageConfig stage(String path, Stage stage, JsonNode body) {
        if (body != null && !body.isNull() && !body.isObject()) {
            problem(path, "got " + body + "; allowed: a block of options");
            return null;
        }
        Map<String, JsonNode> flat = new LinkedHashMap<>();
        Map<String, PluginRef> plugins = new LinkedHashMap<>();
        if (body != null && body.isObject()) {
            Set<String> whole = new HashSet<>(stage.pluginSlots().keySet());
            whole.addAll(stage.blockOptions().keySet());
            flatten("", body, flat, whole);
        }
        Map<String, Object> blocks = new LinkedHashMap<>();
        stage.blockOptions().forEach((key, block) -> {
            JsonNode given = flat.remove(key);
            if (given != null && block.check(given, path + "." + key, this::problem)) {
                blocks.put(key, JSON.convertValue(given, Object.class));
            }
        });
        for (Map.Entry<String, PluginSlot> slot : stage.pluginSlots().entrySet()) {
            JsonNode given = flat.remove(slot.getKey());
            PluginRef ref = plugin(path + "." + slot.getKey(), given, "id", slot.getValue().kind(), slot.getValue().defaultId());
            if (ref != null) {
                plugins.put(slot.getKey(), ref);
            }
        }
        Options options = options(path, stage.options(), flat, "stage '" + stage.name() + "'");
        if (!blocks.isEmpty()) {
            Map<String, Object> values = new LinkedHashMap<>(options.asMap());
            values.putAll(blocks);
            options = Options.of(values);
        }
        return new StageConfig(stage.name(), options, plugins);
    }

    /** Nested option blocks become dotted names; plugin slots stay whole. */
    private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> out, Set<String> slots) {
        node.fields().forEachRemaining(e -> {
            String key = prefix + e.getKey();
            if (e.getValue().isObject() && !slots.contains(key)) {
                flatten(key + ".", e.getValue(), out, slots);
            } else {
                out.put(key, e.getValue());
            }
        });
    }

    private Options options(String path, List<OptionSpec> specs, Map<String, JsonNode> given, String owner) {
        Map<String, OptionSpec> byName = new LinkedHashMap<>();
        specs.forEach(s -> byName.put(s.name(), s));
        Map<String, Object> values = new LinkedHashMap<>();
        given.forEach((key, value) -> {
            OptionSpec spec = byName.get(key);
            if (spec == null) {
                problem(path + "." + key, "unknown option of " + owner + "; "
                        + (byName.isEmpty() ? "it takes no options" : Suggestions.hint(key, byName.keySet())));
                return;
            }
            Object v = OptionValues.convert(spec, value);
            if (v == null) {
                if (!(value.isNull() && spec.optional())) {
                    problem(path + "." + key, "got " + value + "; allowed: " + spec.allowed());
                }
                return;
            }
            values.put(key, v);
        });
        for (OptionSpec spec : specs) {
            if (spec.defaultValue() == null && !spec.optional() && !given.containsKey(spec.name())) {
                problem(path + "." + spec.name(), "missing required option of " + owner + " (" + spec.allowed() + ")");
            }
        }
        return Options.withDefaults(specs, values);
    }

    /**
     * Every bit width and granularity a stage asks for must be one the backend executes. Training,
     * calibration and quantization run on ND4J whatever the backend; a backend that executes
     * models itself does so in the evaluate stage.
     */
    private void checkCapabilities(PluginRef backendRef, List<StageConfig> stageConfigs) {
        if (backendRef == null) {
            return;
        }
        HardwareBackend backend = registry.require(PluginKind.HARDWARE_BACKEND, backendRef.id(), HardwareBackend.class);
        Capabilities caps = backend.capabilities(backendRef.options());
        for (int i = 0; i < stageConfigs.size(); i++) {
            StageConfig stage = stageConfigs.get(i);
            for (Map.Entry<String, Object> option : stage.options().asMap().entrySet()) {
                // A bit width of 0 switches a feature off (train's qat.bits), so the backend never executes it.
                if (option.getKey().endsWith("bits") && option.getValue() instanceof Number bits && bits.intValue() != 0
                        && (bits.intValue() < caps.minBits() || bits.intValue() > caps.maxBits())) {
                    problem("stages[" + i + "]." + stage.name() + "." + option.getKey(), "backend '" + backendRef.id()
                            + "' executes " + caps.minBits() + " to " + caps.maxBits() + " bits, not " + bits);
                }
                if (option.getKey().endsWith("granularity") && option.getValue() instanceof String granularity
                        && caps.granularities().stream().noneMatch(g -> g.name().equalsIgnoreCase(granularity))) {
                    problem("stages[" + i + "]." + stage.name() + "." + option.getKey(), "backend '" + backendRef.id()
                            + "' executes granularities " + caps.granularities().stream().map(g -> g.name().toLowerCase()).sorted().toList()
                            + ", not " + granularity);
                }
            }
        }
    }

    private static Map<String, Object> describe(PluginRef ref, String idKey) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (ref != null) {
            m.put(idKey, ref.id());
            m.putAll(ref.options().asMap());
        }
        return m;
    }

    private static Map<String, Object> describe(StageConfig stage) {
        Map<String, Object> body = new LinkedHashMap<>(stage.options().asMap());
        stage.plugins().forEach((slot, ref) -> body.put(slot, describe(ref, "id")));
        return Map.of(stage.name(), body);
    }

    private void problem(String path, String message) {
        problems.add(new ConfigProblem(path, message));
    }
}
