package org.inlier.runtime.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.inlier.runtime.config.PipelineConfig;

/**
 * One concrete pipeline of a sweep's grid.
 *
 * @param id       the point's run id inside the sweep's folder, e.g. {@code p03-clipped-softmax-8}
 * @param settings the value of each swept option except the seed, by sweep key, in the block's order
 * @param config   the validated pipeline; its seed tells repeats apart
 */
public record SweepPoint(String id, Map<String, JsonNode> settings, PipelineConfig config) {

    /** The settings as text columns, for tables. */
    public Map<String, Object> label() {
        Map<String, Object> label = new LinkedHashMap<>();
        settings.forEach((key, value) -> label.put(key, SweepAxis.text(value)));
        return label;
    }

    /** The settings in one line, e.g. {@code attention.variant=vanilla, quantize.activations.bits=8}. */
    public String describe() {
        String text = settings.entrySet().stream().map(e -> e.getKey() + "=" + SweepAxis.text(e.getValue())).collect(Collectors.joining(", "));
        return (text.isEmpty() ? "" : text + ", ") + "seed " + config.seed();
    }
}
