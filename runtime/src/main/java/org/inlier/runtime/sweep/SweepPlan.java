package org.inlier.runtime.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.inlier.runtime.config.ConfigProblem;
import org.inlier.runtime.config.PipelineConfig;
import org.inlier.runtime.config.PipelineException;
import org.inlier.runtime.config.PipelineValidator;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.stages.Stage;

/**
 * A sweep file expanded into its grid of concrete pipelines, each validated like a pipeline of
 * its own. A problem that a swept value causes names the sweep key and the value, e.g.
 * {@code sweep.attention.variant: value clipped-sofmax gives attention: unknown attention-variant ...}.
 */
public final class SweepPlan {

    /** The pipeline field holding the sweep. */
    public static final String BLOCK = PipelineValidator.SWEEP;

    /** Point ids stay readable in a folder listing. */
    private static final int MAX_ID_LENGTH = 60;

    private final JsonNode source;
    private final List<SweepAxis> axes;
    private final boolean repeated;
    private final List<SweepPoint> points;

    private SweepPlan(JsonNode source, List<SweepAxis> axes, boolean repeated, List<SweepPoint> points) {
        this.source = source;
        this.axes = axes;
        this.repeated = repeated;
        this.points = points;
    }

    /** Whether a parsed pipeline file is a sweep. */
    public static boolean isSweep(JsonNode root) {
        return root.has(BLOCK);
    }

    /**
     * Expands and validates a sweep file: the grid is the product of the swept options in the
     * order written (the last varies fastest), each configuration repeated over the seeds.
     *
     * @param root        the parsed file, with its {@code sweep} block
     * @param displayName how errors name the file
     * @param defaultName the pipeline's name when the file sets none
     * @param registry    the loaded plugins
     * @param stages      the known stages by name
     * @throws PipelineException with every problem of the block and of every point, each once
     */
    public static SweepPlan of(JsonNode root, String displayName, String defaultName, PluginRegistry registry, Map<String, Stage> stages) {
        List<ConfigProblem> blockProblems = new ArrayList<>();
        ObjectNode base = root.deepCopy();
        SweepSpec spec = SweepSpec.parse(base.remove(BLOCK), blockProblems);
        if (!blockProblems.isEmpty()) {
            throw new PipelineException(displayName, blockProblems);
        }
        Problems problems = new Problems();
        List<SweepAxis> configurationAxes = spec.axes().stream().filter(a -> !a.isSeed()).toList();
        List<JsonNode> seeds = spec.axes().stream().filter(SweepAxis::isSeed).findFirst().map(SweepAxis::values).orElse(null);
        List<Map.Entry<Map<String, JsonNode>, PipelineConfig>> valid = new ArrayList<>();
        for (Map<String, JsonNode> settings : grid(configurationAxes)) {
            ObjectNode tree = base.deepCopy();
            Map<String, List<String>> applied = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> setting : settings.entrySet()) {
                try {
                    applied.put(setting.getKey(), OptionPath.set(tree, setting.getKey(), setting.getValue(), stages.keySet()));
                } catch (IllegalArgumentException e) {
                    problems.plain(new ConfigProblem(BLOCK + "." + setting.getKey(), e.getMessage()));
                }
            }
            Validation validation = new Validation(displayName, defaultName, registry, stages, settings, applied, problems);
            if (seeds != null) {
                seeds.forEach(seed -> validation.withSeed(tree, seed).ifPresent(c -> valid.add(Map.entry(settings, c))));
            } else {
                validation.withSeed(tree, null).ifPresent(first -> {
                    valid.add(Map.entry(settings, first));
                    // Repeats run with consecutive seeds from the configuration's own.
                    for (int r = 1; r < spec.repeats(); r++) {
                        validation.withSeed(tree, LongNode.valueOf(first.seed() + r)).ifPresent(c -> valid.add(Map.entry(settings, c)));
                    }
                });
            }
        }
        if (!problems.isEmpty()) {
            throw new PipelineException(displayName, problems.list());
        }
        boolean seeded = seeds != null || spec.repeats() > 1;
        List<SweepPoint> points = new ArrayList<>();
        for (Map.Entry<Map<String, JsonNode>, PipelineConfig> p : valid) {
            points.add(new SweepPoint(pointId(points.size(), valid.size(), p.getKey(), p.getValue().seed(), seeded), p.getKey(), p.getValue()));
        }
        return new SweepPlan(root, spec.axes(), seeded, points);
    }

    /** The parsed sweep file as given, sweep block included. */
    public JsonNode source() {
        return source;
    }

    /** The swept options in the block's order. */
    public List<SweepAxis> axes() {
        return axes;
    }

    /** Whether configurations run with several seeds. */
    public boolean repeated() {
        return repeated;
    }

    /** The points in grid order. */
    public List<SweepPoint> points() {
        return points;
    }

    /**
     * The points grouped by identical training, in grid order: the first point of each group
     * trains, the others reuse its checkpoint.
     */
    public List<List<SweepPoint>> trainings() {
        return SharedTraining.groups(points);
    }

    /** How many trainings the sweep runs: groups of points whose pipeline has a train stage. */
    public long trainingCount() {
        return trainings().stream().filter(group -> SharedTraining.key(group.get(0).config()) != null).count();
    }

    /** The pipeline's name. */
    public String name() {
        return points.get(0).config().name();
    }

    private static List<Map<String, JsonNode>> grid(List<SweepAxis> axes) {
        List<Map<String, JsonNode>> grid = new ArrayList<>();
        grid.add(new LinkedHashMap<>());
        for (SweepAxis axis : axes) {
            List<Map<String, JsonNode>> next = new ArrayList<>();
            for (Map<String, JsonNode> partial : grid) {
                for (JsonNode value : axis.values()) {
                    Map<String, JsonNode> extended = new LinkedHashMap<>(partial);
                    extended.put(axis.key(), value);
                    next.add(extended);
                }
            }
            grid = next;
        }
        return grid;
    }

    /** Validates one configuration's pipelines, blaming each problem on the swept value that set its field. */
    private record Validation(String displayName, String defaultName, PluginRegistry registry, Map<String, Stage> stages,
                              Map<String, JsonNode> settings, Map<String, List<String>> applied, Problems problems) {

        /** The pipeline with this seed ({@code null}: as the file says), if valid. */
        Optional<PipelineConfig> withSeed(ObjectNode tree, JsonNode seed) {
            ObjectNode seeded = tree.deepCopy();
            Map<String, JsonNode> values = new LinkedHashMap<>(settings);
            Map<String, List<String>> paths = new LinkedHashMap<>(applied);
            if (seed != null) {
                seeded.set(SweepAxis.SEED, seed);
                values.put(SweepAxis.SEED, seed);
                paths.put(SweepAxis.SEED, List.of(SweepAxis.SEED));
            }
            try {
                return Optional.of(PipelineValidator.validate(seeded, displayName, defaultName, registry, stages));
            } catch (PipelineException invalid) {
                for (ConfigProblem problem : invalid.problems()) {
                    blame(problem, values, paths);
                }
                return Optional.empty();
            }
        }

        private void blame(ConfigProblem problem, Map<String, JsonNode> values, Map<String, List<String>> paths) {
            for (Map.Entry<String, List<String>> setting : paths.entrySet()) {
                if (setting.getValue().stream().anyMatch(path -> related(problem.path(), path))) {
                    problems.swept(setting.getKey(), SweepAxis.text(values.get(setting.getKey())), problem);
                    return;
                }
            }
            problems.plain(problem);
        }

        /** A problem about a field, the block holding it, or anything inside it. */
        private static boolean related(String problemPath, String setPath) {
            return problemPath.equals(setPath) || setPath.startsWith(problemPath + ".")
                    || problemPath.startsWith(setPath + ".") || problemPath.startsWith(setPath + "[");
        }
    }

    /** The problems of all points, each once: one the grid repeats for several values of a key is listed with all of them. */
    private static final class Problems {
        private final Set<ConfigProblem> plain = new LinkedHashSet<>();
        private final Map<Map.Entry<String, String>, Set<String>> swept = new LinkedHashMap<>();

        void plain(ConfigProblem problem) {
            plain.add(problem);
        }

        void swept(String key, String value, ConfigProblem problem) {
            swept.computeIfAbsent(Map.entry(key, problem.toString()), k -> new LinkedHashSet<>()).add(value);
        }

        boolean isEmpty() {
            return plain.isEmpty() && swept.isEmpty();
        }

        List<ConfigProblem> list() {
            List<ConfigProblem> all = new ArrayList<>(plain);
            swept.forEach((keyAndProblem, values) -> all.add(new ConfigProblem(BLOCK + "." + keyAndProblem.getKey(),
                    (values.size() == 1 ? "value " + values.iterator().next() + " gives " : "values " + String.join(", ", values) + " give ")
                            + keyAndProblem.getValue())));
            return all;
        }
    }

    private static String pointId(int index, int count, Map<String, JsonNode> settings, long seed, boolean seeded) {
        String width = String.valueOf(Math.max(2, String.valueOf(count).length()));
        List<String> parts = settings.values().stream().map(SweepAxis::text).collect(Collectors.toCollection(ArrayList::new));
        if (seeded) {
            parts.add("s" + seed);
        }
        String id = String.format("p%0" + width + "d", index + 1) + (parts.isEmpty() ? "" : "-" + String.join("-", parts));
        id = id.replaceAll("[^A-Za-z0-9_.-]+", "_");
        return id.length() > MAX_ID_LENGTH ? id.substring(0, MAX_ID_LENGTH) : id;
    }
}
