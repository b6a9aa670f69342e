package org.inlier.runtime.quant;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.inlier.api.site.QuantizationSite;

/**
 * Which sites carry quantizers, declared by site-name patterns ({@code *} matches anything,
 * dots included): a site is quantized if it matches an include pattern and no exclude pattern.
 *
 * @param name    the profile's name
 * @param include patterns of quantized sites
 * @param exclude patterns of sites kept in floating point
 */
public record PlacementProfile(String name, List<String> include, List<String> exclude) {

    /** The built-in profiles by name; the single place they are defined. */
    public static final Map<String, PlacementProfile> BUILT_IN = Map.of(
            // The papers' W8A8 setup: every activation and weight, except the final (LM) head.
            "w8a8-full", new PlacementProfile("w8a8-full", List.of("*"), List.of("head.*")),
            "weights-only", new PlacementProfile("weights-only", List.of("*.weight"), List.of("head.*")));

    /** Whether a site carries a quantizer under this profile. */
    public boolean selects(QuantizationSite site) {
        return include.stream().anyMatch(p -> matches(p, site.name())) && exclude.stream().noneMatch(p -> matches(p, site.name()));
    }

    /** Glob matching where {@code *} stands for any run of characters. */
    static boolean matches(String pattern, String name) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            regex.append(Pattern.quote(part)).append(".*");
        }
        regex.setLength(regex.length() - 2);
        return name.matches(regex.toString());
    }
}
