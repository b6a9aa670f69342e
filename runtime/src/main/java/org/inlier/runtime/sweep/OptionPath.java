package org.inlier.runtime.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.inlier.runtime.config.Suggestions;

/**
 * Sets a sweep key's value in a parsed pipeline. A key is a dotted path: into a top-level block
 * ({@code attention.variant}, {@code model.hidden}, {@code seed}), or into every stage of a name
 * ({@code quantize.activations.bits}, also written {@code stages.quantize.activations.bits}), or
 * into one stage by position ({@code stages[2].quantize.activations.bits}, as errors name it).
 * Keys joined by {@value #TIED} are tied: each takes the axis's value, so W6A6 is one point,
 * not a corner of a weights × activations grid.
 */
final class OptionPath {

    /** Joins keys that take the same value together: {@code quantize.weights.bits+quantize.activations.bits: [8, 6, 4]}. */
    static final String TIED = "+";

    private static final Pattern INDEXED_STAGE = Pattern.compile("stages\\[(\\d+)]");

    private OptionPath() {
    }

    /**
     * Sets the value, creating missing blocks on the way.
     *
     * @param root       the pipeline, changed in place
     * @param key        the sweep key
     * @param value      the value (copied)
     * @param stageNames the names a stage can have
     * @return the field paths set, as validation problems name them ({@code stages[2].quantize.activations.bits})
     * @throws IllegalArgumentException saying why the key names no option of this pipeline
     */
    static List<String> set(ObjectNode root, String key, JsonNode value, Set<String> stageNames) {
        if (key.contains(TIED)) {
            List<String> paths = new ArrayList<>();
            for (String tied : key.split(Pattern.quote(TIED), -1)) {
                paths.addAll(set(root, tied.strip(), value, stageNames));
            }
            return paths;
        }
        List<String> parts = Arrays.asList(key.split("\\.", -1));
        if (parts.contains("")) {
            throw new IllegalArgumentException("an empty part in the key; write a dotted path such as attention.variant");
        }
        Matcher indexed = INDEXED_STAGE.matcher(parts.get(0));
        if (indexed.matches()) {
            return List.of(setInStage(root, Integer.parseInt(indexed.group(1)), parts.subList(1, parts.size()), value));
        }
        if (parts.get(0).equals("stages") && parts.size() > 1) {
            return setInStages(root, parts.subList(1, parts.size()), value);
        }
        if (stageNames.contains(parts.get(0))) {
            return setInStages(root, parts, value);
        }
        List<String> nearStages = Suggestions.nearest(parts.get(0), stageNames);
        if (!root.has(parts.get(0)) && !nearStages.isEmpty()) {
            throw new IllegalArgumentException("'" + parts.get(0) + "' is not a stage; did you mean '" + nearStages.get(0) + "'?");
        }
        setIn(root, parts, value, "");
        return List.of(key);
    }

    /** Every stage named by the first part. */
    private static List<String> setInStages(ObjectNode root, List<String> parts, JsonNode value) {
        List<String> paths = new ArrayList<>();
        JsonNode stages = root.get("stages");
        for (int i = 0; stages != null && stages.isArray() && i < stages.size(); i++) {
            if (parts.get(0).equals(stageName(stages.get(i)))) {
                paths.add(setInStage(root, i, parts, value));
            }
        }
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("the pipeline has no '" + parts.get(0) + "' stage");
        }
        return paths;
    }

    /** The stage at an index, whose name must be the first part. */
    private static String setInStage(ObjectNode root, int index, List<String> parts, JsonNode value) {
        JsonNode stages = root.get("stages");
        if (stages == null || !stages.isArray() || index >= stages.size()) {
            throw new IllegalArgumentException("the pipeline has no stage at position " + index);
        }
        String name = stageName(stages.get(index));
        if (parts.isEmpty() || !parts.get(0).equals(name)) {
            throw new IllegalArgumentException("stages[" + index + "] is a '" + name + "' stage; write stages[" + index + "]." + name + ".<option>");
        }
        String path = "stages[" + index + "]." + String.join(".", parts);
        // A stage written as a bare name ('- evaluate') becomes a block to hold the option.
        ObjectNode stage = JsonNodeFactory.instance.objectNode();
        JsonNode body = stages.get(index).isObject() ? stages.get(index).get(name) : null;
        stage.set(name, body != null && body.isObject() ? body : JsonNodeFactory.instance.objectNode());
        ((ArrayNode) stages).set(index, stage);
        if (parts.size() == 1) {
            stage.set(name, value.deepCopy());
        } else {
            setIn((ObjectNode) stage.get(name), parts.subList(1, parts.size()), value, "stages[" + index + "]." + name + ".");
        }
        return path;
    }

    private static void setIn(ObjectNode node, List<String> parts, JsonNode value, String prefix) {
        ObjectNode current = node;
        for (int i = 0; i < parts.size() - 1; i++) {
            JsonNode child = current.get(parts.get(i));
            if (child == null || child.isNull()) {
                child = current.putObject(parts.get(i));
            } else if (!child.isObject()) {
                String at = prefix + String.join(".", parts.subList(0, i + 1));
                throw new IllegalArgumentException("'" + at + "' is " + child + ", not a block; write it as a block (e.g. {id: " + child
                        + "} or {variant: " + child + "}) to sweep its options, or sweep '" + at + "' itself");
            }
            current = (ObjectNode) child;
        }
        current.set(parts.get(parts.size() - 1), value.deepCopy());
    }

    /** A stage item's name: the text of '- evaluate', the single key of '- train: {...}'. */
    private static String stageName(JsonNode item) {
        if (item.isTextual()) {
            return item.asText();
        }
        return item.isObject() && item.size() == 1 ? item.fieldNames().next() : "";
    }
}
