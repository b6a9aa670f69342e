package org.inlier.runtime.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.inlier.runtime.config.Suggestions;

/**
 * Reads the {@code profile} field of a quantize stage: a built-in profile's name, or a block
 * defining the user's own profile.
 *
 * <pre>
 * profile:
 *   name: ffn-out-16          # optional; default "custom"
 *   base: w8a8-full           # optional built-in to start from (its include, exclude and overrides)
 *   include: ["*"]            # optional; replaces the base's
 *   exclude: ["head.*"]       # optional; replaces the base's
 *   overrides:                # applied after the base's, in order; a later one wins
 *     - { pattern: "layer.*.ffn.out", bits: 16 }
 *     - { pattern: "last:layernorm-output", bits: float }
 *     - { pattern: "kind:attention-probs", granularity: token }
 * </pre>
 * Every problem is reported with its field path, as the pipeline validator does.
 */
public final class ProfileReader {

    /** The built-in profile a block starts from unless it names another. */
    public static final String DEFAULT_BASE = "w8a8-full";

    private static final List<String> FIELDS = List.of("name", "base", "include", "exclude", "overrides");
    private static final List<String> OVERRIDE_FIELDS = List.of("pattern", "bits", "granularity");
    private static final List<String> GRANULARITIES = List.of("tensor", "channel", "token");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String path;
    private final BiConsumer<String, String> problems;
    private boolean failed;

    private ProfileReader(String path, BiConsumer<String, String> problems) {
        this.path = path;
        this.problems = (where, message) -> {
            failed = true;
            problems.accept(where, message);
        };
    }

    /**
     * Reads a profile field.
     *
     * @param node     the field's value
     * @param path     its field path, e.g. {@code stages[2].quantize.profile}
     * @param problems receives each problem as (field path, message)
     * @return the profile, or {@code null} if the field has a problem
     */
    public static PlacementProfile read(JsonNode node, String path, BiConsumer<String, String> problems) {
        ProfileReader reader = new ProfileReader(path, problems);
        PlacementProfile profile = reader.profile(node);
        return reader.failed ? null : profile;
    }

    /**
     * The profile of a validated pipeline's option value: a built-in name, or the block as plain
     * data (maps, lists, text, numbers).
     *
     * @throws IllegalArgumentException if the value is not a valid profile
     */
    public static PlacementProfile resolve(Object value) {
        List<String> found = new ArrayList<>();
        PlacementProfile profile = read(JSON.valueToTree(value), "profile", (where, message) -> found.add(where + ": " + message));
        if (profile == null) {
            throw new IllegalArgumentException("invalid placement profile: " + String.join("; ", found));
        }
        return profile;
    }

    /** What the field allows, for messages. */
    static String allowed() {
        return "allowed: one of " + String.join(", ", PlacementProfile.BUILT_IN.keySet())
                + ", or a block with " + String.join(", ", FIELDS);
    }

    private PlacementProfile profile(JsonNode node) {
        if (node.isTextual()) {
            PlacementProfile builtIn = PlacementProfile.BUILT_IN.get(node.asText());
            if (builtIn == null) {
                problems.accept(path, "unknown placement profile '" + node.asText() + "'; "
                        + Suggestions.hint(node.asText(), PlacementProfile.BUILT_IN.keySet()) + ", or a block with " + String.join(", ", FIELDS));
            }
            return builtIn;
        }
        if (!node.isObject()) {
            problems.accept(path, "got " + node + "; " + allowed());
            return null;
        }
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!FIELDS.contains(key)) {
                problems.accept(path + "." + key, "unknown field of a placement profile; " + Suggestions.hint(key, FIELDS));
            }
        }
        String name = "custom";
        if (node.has("name")) {
            if (!node.get("name").isTextual() || node.get("name").asText().isBlank()) {
                problems.accept(path + ".name", "got " + node.get("name") + "; allowed: text");
            } else if (PlacementProfile.BUILT_IN.containsKey(node.get("name").asText())) {
                problems.accept(path + ".name", "'" + node.get("name").asText() + "' is a built-in profile's name; choose another"
                        + " (or write it as 'profile: " + node.get("name").asText() + "', or as 'base:')");
            } else {
                name = node.get("name").asText();
            }
        }
        PlacementProfile base = PlacementProfile.BUILT_IN.get(DEFAULT_BASE);
        if (node.has("base")) {
            base = PlacementProfile.BUILT_IN.get(node.get("base").asText());
            if (!node.get("base").isTextual() || base == null) {
                problems.accept(path + ".base", "unknown placement profile " + node.get("base") + "; "
                        + Suggestions.hint(node.get("base").asText(), PlacementProfile.BUILT_IN.keySet()));
                return null;
            }
        }
        Set<String> inherited = new LinkedHashSet<>();
        List<String> include = base.include();
        if (node.has("include")) {
            include = patterns(node.get("include"), path + ".include", false);
            if (include.isEmpty() && !failed) {
                problems.accept(path + ".include", "empty; allowed: a list of site patterns (\"*\" for every site)");
            }
        } else {
            include.stream().filter(base.inherited()::contains).forEach(inherited::add);
        }
        List<String> exclude = base.exclude();
        if (node.has("exclude")) {
            exclude = patterns(node.get("exclude"), path + ".exclude", false);
        } else {
            exclude.stream().filter(base.inherited()::contains).forEach(inherited::add);
        }
        List<SiteOverride> overrides = new ArrayList<>(base.overrides());
        if (node.has("overrides")) {
            overrides.addAll(overrides(node.get("overrides"), path + ".overrides"));
        }
        return new PlacementProfile(name, include, exclude, overrides, inherited);
    }

    /** A list of patterns, or one pattern as text. */
    private List<String> patterns(JsonNode node, String at, boolean allowLast) {
        List<String> patterns = new ArrayList<>();
        if (node.isTextual()) {
            return pattern(node, at, allowLast) == null ? patterns : List.of(node.asText());
        }
        if (!node.isArray()) {
            problems.accept(at, "got " + node + "; allowed: a list of site patterns");
            return patterns;
        }
        for (int i = 0; i < node.size(); i++) {
            String p = pattern(node.get(i), at + "[" + i + "]", allowLast);
            if (p != null) {
                patterns.add(p);
            }
        }
        return patterns;
    }

    private String pattern(JsonNode node, String at, boolean allowLast) {
        if (!node.isTextual()) {
            problems.accept(at, "got " + node + "; allowed: a site pattern (text)");
            return null;
        }
        String problem = SitePatterns.problem(node.asText(), allowLast).orElse(null);
        if (problem != null) {
            problems.accept(at, problem);
            return null;
        }
        return node.asText();
    }

    private List<SiteOverride> overrides(JsonNode node, String at) {
        List<SiteOverride> overrides = new ArrayList<>();
        if (!node.isArray()) {
            problems.accept(at, "got " + node + "; allowed: a list of blocks such as {pattern: \"layer.*.ffn.out\", bits: 16}");
            return overrides;
        }
        for (int i = 0; i < node.size(); i++) {
            SiteOverride o = override(node.get(i), at + "[" + i + "]");
            if (o != null) {
                overrides.add(o);
            }
        }
        return overrides;
    }

    private SiteOverride override(JsonNode node, String at) {
        if (!node.isObject()) {
            problems.accept(at, "got " + node + "; allowed: a block with " + String.join(", ", OVERRIDE_FIELDS));
            return null;
        }
        boolean ok = true;
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!OVERRIDE_FIELDS.contains(key)) {
                problems.accept(at + "." + key, "unknown field of an override; " + Suggestions.hint(key, OVERRIDE_FIELDS));
                ok = false;
            }
        }
        String pattern = null;
        if (!node.has("pattern")) {
            problems.accept(at + ".pattern", "missing; allowed: a site pattern such as \"layer.*.ffn.out\", \"kind:layernorm-output\""
                    + " or \"last:layernorm-output\"");
            ok = false;
        } else {
            pattern = pattern(node.get("pattern"), at + ".pattern", true);
            ok &= pattern != null;
        }
        Integer bits = null;
        boolean keepFloat = false;
        JsonNode b = node.get("bits");
        if (b != null) {
            if (b.isTextual() && b.asText().equals(SiteOverride.FLOAT)) {
                keepFloat = true;
            } else if (b.isIntegralNumber() && b.asInt() >= QuantScheme.MIN_BITS && b.asInt() <= QuantScheme.MAX_BITS) {
                bits = b.asInt();
            } else {
                problems.accept(at + ".bits", "got " + b + "; allowed: integer in [" + QuantScheme.MIN_BITS + ", " + QuantScheme.MAX_BITS
                        + "], or " + SiteOverride.FLOAT + " to keep the sites unquantized");
                ok = false;
            }
        }
        Granularity granularity = null;
        JsonNode g = node.get("granularity");
        if (g != null) {
            if (g.isTextual() && GRANULARITIES.contains(g.asText())) {
                granularity = Granularity.valueOf(g.asText().toUpperCase());
            } else {
                problems.accept(at + ".granularity", "got " + g + "; allowed: one of " + String.join(", ", GRANULARITIES)
                        + " (token applies to activations, channel to weights)");
                ok = false;
            }
        }
        if (b == null && g == null) {
            problems.accept(at, "sets nothing; give bits (" + QuantScheme.MIN_BITS + " to " + QuantScheme.MAX_BITS + ", or "
                    + SiteOverride.FLOAT + ") or granularity");
            ok = false;
        }
        if (keepFloat && granularity != null) {
            problems.accept(at + ".granularity", "a site kept in float has no granularity; drop one of bits: float and granularity");
            ok = false;
        }
        return ok ? new SiteOverride(pattern, bits, keepFloat, granularity) : null;
    }
}
