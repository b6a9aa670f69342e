package org.inlier.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.inlier.api.plugin.OptionSpec;

/** Converts a pipeline file's value to an option's type, or {@code null} if it is not allowed. */
final class OptionValues {

    private OptionValues() {
    }

    static Object convert(OptionSpec spec, JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        return switch (spec.type()) {
            case INTEGER -> {
                Double d = number(value);
                yield d != null && d == Math.rint(d) && inRange(spec, d) ? (Object) d.intValue() : null;
            }
            case NUMBER -> {
                Double d = number(value);
                yield d != null && inRange(spec, d) ? d : null;
            }
            case BOOLEAN -> value.isBoolean() ? value.asBoolean() : null;
            case STRING -> value.isValueNode() ? value.asText() : null;
            case CHOICE -> value.isValueNode() && spec.choices().contains(value.asText()) ? value.asText() : null;
            case NUMBER_LIST -> numbers(spec, value);
        };
    }

    private static List<Double> numbers(OptionSpec spec, JsonNode value) {
        if (!value.isArray()) {
            return null;
        }
        List<Double> list = new ArrayList<>();
        for (JsonNode item : value) {
            Double d = number(item);
            if (d == null || !inRange(spec, d)) {
                return null;
            }
            list.add(d);
        }
        return list;
    }

    /** YAML 1.1 reads {@code 3e-3} as text, so numeric text is accepted as a number. */
    private static Double number(JsonNode value) {
        if (value.isNumber()) {
            return value.asDouble();
        }
        if (value.isTextual()) {
            try {
                return Double.parseDouble(value.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static boolean inRange(OptionSpec spec, double d) {
        return !Double.isNaN(d) && (spec.min() == null || d >= spec.min()) && (spec.max() == null || d <= spec.max());
    }
}
