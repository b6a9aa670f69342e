package org.inlier.runtime.quant;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.site.QuantizationSite;

/**
 * Which sites carry quantizers and at what precision, declared by site patterns (see
 * {@link SitePatterns}): a site is quantized if it matches an include pattern and no exclude
 * pattern; then the overrides, in order, change the bit width or granularity of the sites they
 * match or keep them in floating point (mixed precision).
 *
 * @param name      the profile's name
 * @param include   patterns of quantized sites
 * @param exclude   patterns of sites kept in floating point
 * @param overrides per-site precision rules, applied in order
 * @param inherited include and exclude patterns taken from a built-in profile: written for every
 *                  model family, they are not warned about when a model has no such site (an
 *                  encoder without a {@code head.*})
 */
public record PlacementProfile(String name, List<String> include, List<String> exclude, List<SiteOverride> overrides,
                               Set<String> inherited) {

    /** The LayerNorm outputs: the tensors a LayerNorm produces (its input is a residual sum, quantized as such). */
    static final String LAYERNORMS = SitePatterns.KIND + "layernorm-output";
    /** The final LayerNorm's output: the last LayerNorm output the profile quantizes (the head's own is excluded). */
    static final String FINAL_LAYERNORM = SitePatterns.LAST + "layernorm-output";

    /** The built-in profiles by name, in listing order; the single place they are defined. */
    public static final Map<String, PlacementProfile> BUILT_IN = builtIn();

    public PlacementProfile {
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
        overrides = List.copyOf(overrides);
        inherited = Collections.unmodifiableSet(new LinkedHashSet<>(inherited));
    }

    /** A profile without overrides whose patterns are all the user's own. */
    public PlacementProfile(String name, List<String> include, List<String> exclude) {
        this(name, include, exclude, List.of(), Set.of());
    }

    private static Map<String, PlacementProfile> builtIn() {
        // The papers' W8A8 setup: every activation and weight, except the final (LM) head.
        PlacementProfile full = generic("w8a8-full", List.of("*"), List.of("head.*"));
        Map<String, PlacementProfile> profiles = new LinkedHashMap<>();
        for (PlacementProfile p : List.of(full,
                generic("weights-only", List.of("*.weight"), List.of("head.*")),
                // The papers' variants of the full setup (Bondarenko et al. 2023, §5): LayerNorms in INT16 or in float.
                full.extended("w8a8-final-ln16", List.of(SiteOverride.bits(FINAL_LAYERNORM, 16))),
                full.extended("w8a8-ln16", List.of(SiteOverride.bits(LAYERNORMS, 16))),
                full.extended("w8a8-final-ln-float", List.of(SiteOverride.keepFloat(FINAL_LAYERNORM))),
                full.extended("w8a8-ln-float", List.of(SiteOverride.keepFloat(LAYERNORMS))))) {
            profiles.put(p.name(), p);
        }
        return Collections.unmodifiableMap(profiles);
    }

    private static PlacementProfile generic(String name, List<String> include, List<String> exclude) {
        Set<String> all = new LinkedHashSet<>(include);
        all.addAll(exclude);
        return new PlacementProfile(name, include, exclude, List.of(), all);
    }

    /** This profile under another name with more overrides after its own. */
    public PlacementProfile extended(String newName, List<SiteOverride> more) {
        List<SiteOverride> all = new ArrayList<>(overrides);
        all.addAll(more);
        return new PlacementProfile(newName, include, exclude, all, inherited);
    }

    /** Whether a site matches the include and exclude patterns (before overrides, which may keep it in float). */
    public boolean selects(QuantizationSite site) {
        return include.stream().anyMatch(p -> SitePatterns.matches(p, site)) && exclude.stream().noneMatch(p -> SitePatterns.matches(p, site));
    }

    /**
     * Resolves the profile against a model's sites.
     *
     * @param sites    every site the model declares, in graph order
     * @param defaults the plan's scheme of a site before overrides
     * @return each quantized site's scheme, the sites overrides keep in float, and the patterns that matched nothing
     */
    public Placement place(List<QuantizationSite> sites, Function<QuantizationSite, QuantScheme> defaults) {
        List<String> unmatched = new ArrayList<>();
        checkMatches(include, "include", sites, unmatched);
        checkMatches(exclude, "exclude", sites, unmatched);
        List<QuantizationSite> selected = sites.stream().filter(this::selects).toList();
        Map<String, QuantScheme> schemes = new LinkedHashMap<>();
        selected.forEach(site -> schemes.put(site.name(), defaults.apply(site)));
        for (int i = 0; i < overrides.size(); i++) {
            SiteOverride override = overrides.get(i);
            List<QuantizationSite> matched = SitePatterns.select(override.pattern(), selected);
            if (matched.isEmpty()) {
                unmatched.add("placement pattern '" + override.pattern() + "' (override " + (i + 1) + " of profile '" + name
                        + "') matches no quantized site of the model");
            }
            for (QuantizationSite site : matched) {
                schemes.put(site.name(), override.apply(site, schemes.get(site.name()), defaults.apply(site)));
            }
        }
        Map<String, QuantScheme> quantized = new LinkedHashMap<>();
        List<String> inFloat = new ArrayList<>();
        schemes.forEach((site, scheme) -> {
            if (scheme == null) {
                inFloat.add(site);
            } else {
                quantized.put(site, scheme);
            }
        });
        return new Placement(quantized, inFloat, unmatched);
    }

    private void checkMatches(List<String> patterns, String where, List<QuantizationSite> sites, List<String> unmatched) {
        for (String pattern : patterns) {
            if (!inherited.contains(pattern) && SitePatterns.select(pattern, sites).isEmpty()) {
                unmatched.add("placement pattern '" + pattern + "' (" + where + " of profile '" + name + "') matches no site of the model");
            }
        }
    }

    /**
     * A profile resolved against one model.
     *
     * @param schemes   every quantized site's scheme, by site name in graph order
     * @param inFloat   sites the include and exclude patterns select but an override keeps in float
     * @param unmatched one warning per pattern that selects nothing, naming the pattern
     */
    public record Placement(Map<String, QuantScheme> schemes, List<String> inFloat, List<String> unmatched) {

        public Placement {
            schemes = Collections.unmodifiableMap(new LinkedHashMap<>(schemes));
            inFloat = List.copyOf(inFloat);
            unmatched = List.copyOf(unmatched);
        }

        /** How many sites get each precision, e.g. {@code 40 at 8 bits, 5 at 16 bits, 3 per token, 2 in float}. */
        public String summary() {
            Map<Integer, Integer> byBits = new TreeMap<>();
            long perToken = schemes.values().stream().filter(s -> s.granularity() == Granularity.TOKEN).count();
            schemes.values().forEach(s -> byBits.merge(s.bits(), 1, Integer::sum));
            List<String> parts = new ArrayList<>();
            byBits.forEach((bits, count) -> parts.add(count + " at " + bits + " bits"));
            if (perToken > 0) {
                parts.add(perToken + " per token");
            }
            if (!inFloat.isEmpty()) {
                parts.add(inFloat.size() + " in float");
            }
            return parts.isEmpty() ? "no quantized site" : String.join(", ", parts);
        }
    }
}
