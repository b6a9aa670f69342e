package org.inlier.api.plugin;

import java.util.List;
import java.util.Objects;

/**
 * One declared option of a plugin or stage: its name, type, default and what is allowed.
 *
 * <p>The runtime validates pipeline files against these declarations before anything runs, and
 * {@code inlier plugins} prints them, so a plugin's options are documented where they are defined.
 *
 * @param name        the key in the pipeline file
 * @param type        the value type
 * @param defaultValue the value used when the key is absent; {@code null} means the option is required
 *                    unless {@code optional} is set
 * @param min         inclusive lower bound for numbers, or {@code null}
 * @param max         inclusive upper bound for numbers, or {@code null}
 * @param choices     allowed values of a {@link OptionType#CHOICE}; empty otherwise
 * @param optional    whether the option may be left unset without a default
 * @param description one line for users
 */
public record OptionSpec(String name, OptionType type, Object defaultValue, Double min, Double max,
                         List<String> choices, boolean optional, String description) {

    public OptionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        choices = List.copyOf(choices);
        Objects.requireNonNull(description, "description");
    }

    /** An integer option with an inclusive range. */
    public static OptionSpec integer(String name, int defaultValue, int min, int max, String description) {
        return new OptionSpec(name, OptionType.INTEGER, defaultValue, (double) min, (double) max, List.of(), false, description);
    }

    /** A floating-point option with an inclusive range; use infinities for an open end. */
    public static OptionSpec number(String name, double defaultValue, double min, double max, String description) {
        return new OptionSpec(name, OptionType.NUMBER, defaultValue, min, max, List.of(), false, description);
    }

    /** A floating-point option with no default that may be left unset. */
    public static OptionSpec optionalNumber(String name, double min, double max, String description) {
        return new OptionSpec(name, OptionType.NUMBER, null, min, max, List.of(), true, description);
    }

    /** A true/false option. */
    public static OptionSpec bool(String name, boolean defaultValue, String description) {
        return new OptionSpec(name, OptionType.BOOLEAN, defaultValue, null, null, List.of(), false, description);
    }

    /** A free-text option; a {@code null} default makes it optional. */
    public static OptionSpec string(String name, String defaultValue, String description) {
        return new OptionSpec(name, OptionType.STRING, defaultValue, null, null, List.of(), defaultValue == null, description);
    }

    /** A free-text option the pipeline must set. */
    public static OptionSpec requiredString(String name, String description) {
        return new OptionSpec(name, OptionType.STRING, null, null, null, List.of(), false, description);
    }

    /** One of a fixed set of values. */
    public static OptionSpec choice(String name, String defaultValue, List<String> choices, String description) {
        return new OptionSpec(name, OptionType.CHOICE, defaultValue, null, null, choices, false, description);
    }

    /** A list of numbers, each within the range. */
    public static OptionSpec numbers(String name, List<Double> defaultValue, double min, double max, String description) {
        return new OptionSpec(name, OptionType.NUMBER_LIST, defaultValue, min, max, List.of(), false, description);
    }

    /** What is allowed, in words, for error messages and listings: {@code integer in [2, 16]}. */
    public String allowed() {
        return switch (type) {
            case INTEGER -> "integer in " + range(true);
            case NUMBER -> "number in " + range(false);
            case NUMBER_LIST -> "list of numbers in " + range(false);
            case BOOLEAN -> "true or false";
            case STRING -> "text";
            case CHOICE -> "one of " + String.join(", ", choices);
        };
    }

    private String range(boolean integral) {
        return "[" + bound(min, integral) + ", " + bound(max, integral) + "]";
    }

    private static String bound(Double b, boolean integral) {
        if (b == null || b.isInfinite()) {
            return b != null && b < 0 ? "-inf" : "inf";
        }
        return integral ? String.valueOf(b.longValue()) : String.valueOf(b);
    }
}
