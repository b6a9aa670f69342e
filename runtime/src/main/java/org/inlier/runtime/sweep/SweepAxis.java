package org.inlier.runtime.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One swept option of a sweep block: a path into the pipeline and the values it takes.
 *
 * @param key    the path as written, e.g. {@code attention.variant} or {@code quantize.activations.bits}
 * @param values the values, in order; at least one
 */
public record SweepAxis(String key, List<JsonNode> values) {

    /** The key of the axis that repeats configurations over seeds instead of telling them apart. */
    public static final String SEED = "seed";

    /** Whether this axis repeats runs over seeds. */
    public boolean isSeed() {
        return SEED.equals(key);
    }

    /**
     * Whether this axis sets a bit width. A sweep's table folds such axes into one column per
     * precision (W8A8, W4A4, ...) instead of one row per value, as the papers' tables do.
     */
    public boolean isBitWidth() {
        return key.equals("bits") || key.endsWith(".bits");
    }

    /** A value as a table shows it: text without quotes, anything else as JSON. */
    public static String text(JsonNode value) {
        return value.isValueNode() ? value.asText() : value.toString();
    }
}
