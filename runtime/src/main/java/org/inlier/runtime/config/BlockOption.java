package org.inlier.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.BiConsumer;

/**
 * An option whose value may be a whole block with a structure of its own (a quantize stage's
 * inline placement profile), read by its own reader instead of being flattened into dotted options.
 */
@FunctionalInterface
public interface BlockOption {

    /**
     * Checks the option's value.
     *
     * @param value    the value as written in the pipeline file
     * @param path     its field path, e.g. {@code stages[2].quantize.profile}
     * @param problems receives each problem as (field path, message)
     * @return whether the value is valid; a valid value is kept in the stage's options as plain data
     *         (text, numbers, lists and maps), the form a resolved pipeline file writes back
     */
    boolean check(JsonNode value, String path, BiConsumer<String, String> problems);
}
