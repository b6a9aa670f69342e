package org.inlier.runtime.quant;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteKind;

/**
 * The patterns placement profiles select sites by, in three forms:
 * <ul>
 *   <li>a glob over site names, where {@code *} matches any run of characters, dots included
 *       ({@code layer.*.attn.probs});</li>
 *   <li>{@code kind:<kind>}: every site of a {@link SiteKind}, written in lower case with hyphens
 *       ({@code kind:layernorm-output});</li>
 *   <li>{@code last:<kind>}: the last quantized site of that kind in graph order, e.g.
 *       {@code last:layernorm-output} is the final LayerNorm of a decoder ({@code final_ln.out})
 *       and the last hidden state of an encoder ({@code layer.5.ln2.out} in MiniLM). It picks among
 *       the sites a profile quantizes, so only overrides use it.</li>
 * </ul>
 * Kinds are declared by the model families, so the same pattern finds the same role in any model.
 */
public final class SitePatterns {

    /** The prefix of patterns that select every site of a kind. */
    public static final String KIND = "kind:";
    /** The prefix of patterns that select the last quantized site of a kind. */
    public static final String LAST = "last:";

    private SitePatterns() {
    }

    /** Every kind as patterns write it: {@code layernorm-output}, ... */
    public static List<String> kindNames() {
        return Arrays.stream(SiteKind.values()).map(SitePatterns::kindName).toList();
    }

    /** A kind as patterns write it. */
    public static String kindName(SiteKind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * What is wrong with a pattern, if anything.
     *
     * @param pattern   the pattern
     * @param allowLast whether {@code last:} may be used (in overrides, not in include or exclude)
     */
    public static Optional<String> problem(String pattern, boolean allowLast) {
        if (pattern.isBlank()) {
            return Optional.of("an empty pattern; allowed: a glob over site names such as 'layer.*.attn.probs', "
                    + KIND + "<kind> or " + LAST + "<kind>");
        }
        boolean last = pattern.startsWith(LAST);
        if (last && !allowLast) {
            return Optional.of("'" + pattern + "': " + LAST + " picks among the quantized sites, so only overrides use it;"
                    + " include and exclude take globs and " + KIND + "<kind>");
        }
        if (last || pattern.startsWith(KIND)) {
            String kind = pattern.substring(pattern.indexOf(':') + 1);
            if (kind(kind).isEmpty()) {
                return Optional.of("unknown site kind '" + kind + "' in '" + pattern + "'; allowed: " + String.join(", ", kindNames()));
            }
        }
        return Optional.empty();
    }

    /**
     * The sites a pattern selects.
     *
     * @param pattern    a valid pattern
     * @param candidates the sites to choose from, in graph order (for {@code last:}, the quantized ones)
     * @return the selected sites in graph order
     */
    public static List<QuantizationSite> select(String pattern, List<QuantizationSite> candidates) {
        if (pattern.startsWith(LAST)) {
            SiteKind kind = kind(pattern.substring(LAST.length())).orElseThrow(() -> new IllegalArgumentException(problem(pattern, true).get()));
            List<QuantizationSite> ofKind = candidates.stream().filter(s -> s.kind() == kind).toList();
            return ofKind.isEmpty() ? List.of() : List.of(ofKind.get(ofKind.size() - 1));
        }
        return candidates.stream().filter(s -> matches(pattern, s)).toList();
    }

    /** Whether a glob or {@code kind:} pattern matches one site ({@code last:} needs the other sites: see {@link #select}). */
    public static boolean matches(String pattern, QuantizationSite site) {
        if (pattern.startsWith(LAST)) {
            throw new IllegalArgumentException("'" + pattern + "' depends on the other sites; use select()");
        }
        if (pattern.startsWith(KIND)) {
            return kind(pattern.substring(KIND.length())).filter(k -> k == site.kind()).isPresent();
        }
        return glob(pattern, site.name());
    }

    /** Glob matching where {@code *} stands for any run of characters. */
    static boolean glob(String pattern, String name) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            regex.append(Pattern.quote(part)).append(".*");
        }
        regex.setLength(regex.length() - 2);
        return name.matches(regex.toString());
    }

    private static Optional<SiteKind> kind(String name) {
        return Arrays.stream(SiteKind.values()).filter(k -> kindName(k).equals(name)).findFirst();
    }
}
