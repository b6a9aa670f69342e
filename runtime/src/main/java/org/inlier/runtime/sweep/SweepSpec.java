package org.inlier.runtime.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.inlier.runtime.config.ConfigProblem;

/**
 * A parsed {@code sweep} block: the swept options in the order written, and how often each
 * configuration repeats with another seed.
 *
 * <pre>
 * sweep:
 *   attention.variant: [vanilla, clipped-softmax]
 *   quantize.activations.bits: [8, 6, 4]
 *   repeats: 3            # or seed: [1, 2, 3]
 * </pre>
 *
 * @param axes    the swept options, the seed axis included when given
 * @param repeats runs per configuration with consecutive seeds from the pipeline's; 1 when not repeated this way
 */
record SweepSpec(List<SweepAxis> axes, int repeats) {

    /** The block's key that is not an option path. */
    static final String REPEATS = "repeats";

    /** Upper bound on repeats: more is a typo, not a study. */
    private static final int MAX_REPEATS = 100;

    /**
     * Parses a sweep block, adding every problem found to {@code problems}.
     *
     * @param block the value of the pipeline's {@code sweep} field
     */
    static SweepSpec parse(JsonNode block, List<ConfigProblem> problems) {
        List<SweepAxis> axes = new ArrayList<>();
        int repeats = 1;
        if (block == null || !block.isObject() || block.isEmpty()) {
            problems.add(new ConfigProblem(SweepPlan.BLOCK, "got " + block + "; allowed: a block of option paths, each with a list of values,"
                    + " e.g. {attention.variant: [vanilla, clipped-softmax]}, and optionally 'repeats'"));
            return new SweepSpec(axes, repeats);
        }
        for (var fields = block.fields(); fields.hasNext(); ) {
            var field = fields.next();
            String path = SweepPlan.BLOCK + "." + field.getKey();
            JsonNode value = field.getValue();
            if (field.getKey().equals(REPEATS)) {
                if (value.isIntegralNumber() && value.asInt() >= 1 && value.asInt() <= MAX_REPEATS) {
                    repeats = value.asInt();
                } else {
                    problems.add(new ConfigProblem(path, "got " + value + "; allowed: integer in [1, " + MAX_REPEATS + "]"));
                }
            } else if (value.isArray() && !value.isEmpty()) {
                List<JsonNode> values = new ArrayList<>();
                value.forEach(values::add);
                axes.add(new SweepAxis(field.getKey(), values));
            } else {
                problems.add(new ConfigProblem(path, "got " + value + "; allowed: a non-empty list of values, e.g. [" + value + "]"));
            }
        }
        if (repeats > 1 && axes.stream().anyMatch(SweepAxis::isSeed)) {
            problems.add(new ConfigProblem(SweepPlan.BLOCK + "." + REPEATS, "give either seed values or repeats, not both"));
        }
        return new SweepSpec(axes, repeats);
    }
}
