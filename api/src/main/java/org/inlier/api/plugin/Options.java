package org.inlier.api.plugin;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validated option values handed to a plugin, with defaults already filled in.
 *
 * <p>The runtime builds these only after checking every value against the plugin's
 * {@link OptionSpec}s, so the typed getters fail only on a programming error (asking for an
 * option the plugin never declared).
 */
public final class Options {

    private static final Options EMPTY = new Options(Map.of());

    private final Map<String, Object> values;

    private Options(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Options holding exactly these values (numbers as {@link Number}, lists as {@link List}). */
    public static Options of(Map<String, ?> values) {
        return new Options(new LinkedHashMap<>(values));
    }

    /** The declared defaults of these specs, overridden by the given values. */
    public static Options withDefaults(List<OptionSpec> specs, Map<String, ?> values) {
        Map<String, Object> all = new LinkedHashMap<>();
        for (OptionSpec spec : specs) {
            if (spec.defaultValue() != null) {
                all.put(spec.name(), spec.defaultValue());
            }
        }
        all.putAll(values);
        return new Options(all);
    }

    /** No options. */
    public static Options empty() {
        return EMPTY;
    }

    /** The integer value of a declared option. */
    public int getInt(String name) {
        return ((Number) require(name)).intValue();
    }

    /** The floating-point value of a declared option. */
    public double getDouble(String name) {
        return ((Number) require(name)).doubleValue();
    }

    /** The value of a declared option that may be unset. */
    public Optional<Double> findDouble(String name) {
        Object v = values.get(name);
        return v == null ? Optional.empty() : Optional.of(((Number) v).doubleValue());
    }

    /** The boolean value of a declared option. */
    public boolean getBoolean(String name) {
        return (Boolean) require(name);
    }

    /** The text value of a declared text or choice option. */
    public String getString(String name) {
        return require(name).toString();
    }

    /** The text value of an optional text option. */
    public Optional<String> findString(String name) {
        return Optional.ofNullable(values.get(name)).map(Object::toString);
    }

    /** The numbers of a declared number-list option. */
    public List<Double> getNumbers(String name) {
        return ((List<?>) require(name)).stream().map(n -> ((Number) n).doubleValue()).toList();
    }

    /** All values, defaults included, in declaration order; for reports and the resolved pipeline. */
    public Map<String, Object> asMap() {
        return values;
    }

    private Object require(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalStateException("option '" + name + "' was not declared or has no value: " + values.keySet());
        }
        return v;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
