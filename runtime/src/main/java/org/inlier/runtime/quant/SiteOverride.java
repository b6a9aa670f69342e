package org.inlier.runtime.quant;

import java.util.Objects;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.site.QuantizationSite;

/**
 * One per-site precision rule of a placement profile: the quantized sites its pattern matches get
 * another bit width, another granularity, or stay in floating point. A profile applies its
 * overrides in order, so a later one wins where two set the same thing.
 *
 * @param pattern     which sites (see {@link SitePatterns})
 * @param bits        the bit width to use, or {@code null} to keep the scheme's
 * @param keepFloat   whether the matched sites stay unquantized ({@code bits: float} in a pipeline file)
 * @param granularity the granularity to use, or {@code null} to keep the scheme's; {@code token}
 *                    applies to activation sites and {@code channel} to weight sites only, the
 *                    other sites keep theirs
 */
public record SiteOverride(String pattern, Integer bits, boolean keepFloat, Granularity granularity) {

    /** What {@code bits} says in a pipeline file for a site kept in floating point. */
    public static final String FLOAT = "float";

    public SiteOverride {
        Objects.requireNonNull(pattern, "pattern");
        if (bits != null && (bits < QuantScheme.MIN_BITS || bits > QuantScheme.MAX_BITS)) {
            throw new IllegalArgumentException("bits must be in [" + QuantScheme.MIN_BITS + ", " + QuantScheme.MAX_BITS + "], got " + bits);
        }
        if (keepFloat && bits != null) {
            throw new IllegalArgumentException("an override keeps its sites in float or sets their bits, not both");
        }
    }

    /** Matched sites get this bit width. */
    public static SiteOverride bits(String pattern, int bits) {
        return new SiteOverride(pattern, bits, false, null);
    }

    /** Matched sites stay in floating point. */
    public static SiteOverride keepFloat(String pattern) {
        return new SiteOverride(pattern, null, true, null);
    }

    /** Matched sites get this granularity (where it applies to them). */
    public static SiteOverride granularity(String pattern, Granularity granularity) {
        return new SiteOverride(pattern, null, false, granularity);
    }

    /**
     * The scheme of a site after this override.
     *
     * @param site        the site
     * @param scheme      its scheme so far; {@code null} if an earlier override keeps it in float
     * @param siteDefault the plan's scheme for the site, which a bit width brings a float site back to
     * @return the new scheme, or {@code null} for floating point
     */
    QuantScheme apply(QuantizationSite site, QuantScheme scheme, QuantScheme siteDefault) {
        if (keepFloat || (scheme == null && bits == null)) {
            return keepFloat ? null : scheme;
        }
        QuantScheme s = scheme == null ? siteDefault : scheme;
        int newBits = bits == null ? s.bits() : bits;
        Granularity g = s.granularity();
        if (granularity != null && appliesTo(granularity, site)) {
            g = granularity;
        }
        int axis = g == Granularity.CHANNEL ? site.channelAxis() : s.axis();
        return new QuantScheme(newBits, s.symmetric(), g, axis, s.grid());
    }

    /** Per-token ranges are for activations, per-channel ranges for weights; per-tensor for both. */
    static boolean appliesTo(Granularity granularity, QuantizationSite site) {
        return switch (granularity) {
            case TENSOR -> true;
            case TOKEN -> !site.isWeight();
            case CHANNEL -> site.isWeight();
        };
    }
}
