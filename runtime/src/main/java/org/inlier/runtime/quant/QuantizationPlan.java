package org.inlier.runtime.quant;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.plugin.PluginKind;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Quantizer;
import org.inlier.api.quant.SymmetricGrid;
import org.inlier.api.site.QuantizationSite;
import org.inlier.runtime.config.PipelineConfig;
import org.inlier.runtime.config.StageConfig;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.stages.PluginSlot;

/**
 * How a pipeline quantizes: the placement profile, the weight and activation schemes and the
 * sensitivity analysis, read from its {@code quantize} stage. Calibration reads the same plan, so
 * ranges are observed for exactly the sites and schemes that will be quantized.
 *
 * <p>A plan is first read from the pipeline, then {@linkplain #bind bound} to one model's sites:
 * the bound plan knows every site's own scheme after the profile's overrides (mixed precision).
 *
 * @param profile     which sites are quantized, and their overrides
 * @param weights     the scheme of weight sites (per-channel schemes use each site's channel axis)
 * @param activations the scheme of activation sites
 * @param quantizer   the quantizer plugin
 * @param sensitivity the sensitivity-guided mixed precision to apply after the profile
 * @param placement   the profile resolved against a model's sites; {@code null} until {@link #bind}
 */
public record QuantizationPlan(PlacementProfile profile, QuantScheme weights, QuantScheme activations, Quantizer quantizer,
                               Sensitivity sensitivity, PlacementProfile.Placement placement) {

    /** The {@code quantize} stage's options; defaults are the papers' W8A8 setup. */
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.choice("profile", ProfileReader.DEFAULT_BASE, List.copyOf(PlacementProfile.BUILT_IN.keySet()),
                    "which sites carry quantizers: a built-in profile, or a block {name, base, include, exclude, overrides}"
                            + " whose overrides set {pattern, bits (2-16 or float), granularity} per site"),
            OptionSpec.integer("weights.bits", 8, QuantScheme.MIN_BITS, QuantScheme.MAX_BITS, "weight bit width"),
            OptionSpec.bool("weights.symmetric", true, "symmetric weight grid (zero-point 0)"),
            OptionSpec.choice("weights.granularity", "tensor", List.of("tensor", "channel"), "one weight range per tensor or per output channel"),
            OptionSpec.integer("activations.bits", 8, QuantScheme.MIN_BITS, QuantScheme.MAX_BITS, "activation bit width"),
            OptionSpec.bool("activations.symmetric", false, "symmetric activation grid"),
            OptionSpec.choice("activations.granularity", "tensor", List.of("tensor", "token"),
                    "static range per tensor, or dynamic per token"),
            OptionSpec.choice("grid", "restricted", List.of("restricted", "half-step"),
                    "symmetric convention: scale = absmax/(2^(b-1)-1) or absmax/(2^(b-1)-0.5)"),
            OptionSpec.integer("sensitivity.keep", 0, 0, 100_000,
                    "sensitivity-guided mixed precision: keep the k sites whose quantization alone hurts the model output most"
                            + " at higher precision; 0 = off"),
            OptionSpec.choice("sensitivity.as", Sensitivity.SIXTEEN_BIT, List.of(Sensitivity.SIXTEEN_BIT, Sensitivity.PER_TOKEN),
                    "what the kept sites become: 16-bit, or per-token ranges (activation sites only)"),
            OptionSpec.integer("sensitivity.batches", 2, 1, 10_000, "calibration batches the sensitivity of each site is measured on"));

    /** The {@code quantize} stage's plugin slot. */
    public static final Map<String, PluginSlot> SLOTS = Map.of("quantizer", new PluginSlot(PluginKind.QUANTIZER, "uniform-affine"));

    /** The plan of a pipeline's first quantize stage, or the defaults when it has none (what calibration observes for). */
    public static QuantizationPlan of(PipelineConfig pipeline, PluginRegistry registry) {
        return of(pipeline.stage("quantize").orElse(null), registry);
    }

    /** The plan of one quantize stage; {@code null} gives the defaults. */
    public static QuantizationPlan of(StageConfig stage, PluginRegistry registry) {
        Options o = stage == null ? Options.withDefaults(OPTIONS, Map.of()) : stage.options();
        String quantizerId = stage == null ? SLOTS.get("quantizer").defaultId() : stage.plugin("quantizer").id();
        SymmetricGrid grid = "half-step".equals(o.getString("grid")) ? SymmetricGrid.HALF_STEP : SymmetricGrid.RESTRICTED;
        QuantScheme weights = new QuantScheme(o.getInt("weights.bits"), o.getBoolean("weights.symmetric"),
                "channel".equals(o.getString("weights.granularity")) ? Granularity.CHANNEL : Granularity.TENSOR, 1, grid);
        QuantScheme activations = new QuantScheme(o.getInt("activations.bits"), o.getBoolean("activations.symmetric"),
                "token".equals(o.getString("activations.granularity")) ? Granularity.TOKEN : Granularity.TENSOR, -1, grid);
        Sensitivity sensitivity = new Sensitivity(o.getInt("sensitivity.keep"), o.getString("sensitivity.as"), o.getInt("sensitivity.batches"));
        return new QuantizationPlan(ProfileReader.resolve(o.asMap().get("profile")), weights, activations,
                registry.require(PluginKind.QUANTIZER, quantizerId, Quantizer.class), sensitivity, null);
    }

    /**
     * This plan resolved against a model's sites: which are quantized and each one's scheme.
     *
     * @param sites every site the model declares, in graph order
     */
    public QuantizationPlan bind(Collection<QuantizationSite> sites) {
        return new QuantizationPlan(profile, weights, activations, quantizer, sensitivity,
                profile.place(List.copyOf(sites), this::defaultScheme));
    }

    /** This bound plan with some sites' schemes replaced (sites that sensitivity analysis promotes). */
    public QuantizationPlan withSchemes(Map<String, QuantScheme> changed) {
        Map<String, QuantScheme> schemes = new LinkedHashMap<>(bound().schemes());
        changed.forEach((site, scheme) -> {
            if (schemes.replace(site, scheme) == null) {
                throw new IllegalArgumentException("site '" + site + "' is not quantized by this plan");
            }
        });
        return new QuantizationPlan(profile, weights, activations, quantizer, sensitivity,
                new PlacementProfile.Placement(schemes, placement.inFloat(), placement.unmatched()));
    }

    /** Whether a site carries a quantizer under this bound plan. */
    public boolean selects(QuantizationSite site) {
        return bound().schemes().containsKey(site.name());
    }

    /**
     * The scheme of one site: in a bound plan the site's own after the profile's overrides;
     * otherwise the plan's weight or activation scheme (per-channel weight schemes take the site's channel axis).
     */
    public QuantScheme schemeFor(QuantizationSite site) {
        QuantScheme own = placement == null ? null : placement.schemes().get(site.name());
        return own != null ? own : defaultScheme(site);
    }

    private QuantScheme defaultScheme(QuantizationSite site) {
        if (!site.isWeight()) {
            return activations;
        }
        return new QuantScheme(weights.bits(), weights.symmetric(), weights.granularity(), site.channelAxis(), weights.grid());
    }

    private PlacementProfile.Placement bound() {
        if (placement == null) {
            throw new IllegalStateException("the quantization plan is not bound to a model's sites yet");
        }
        return placement;
    }

    /**
     * A short label such as {@code W8A8}, naming the profile unless it is the full one, and the
     * sensitivity analysis if any: {@code W4A4 (w8a8-ln16, 3 sensitive at 16-bit)}.
     */
    public String label() {
        String bits = "W" + weights.bits() + "A" + activations.bits();
        List<String> notes = new java.util.ArrayList<>();
        if (!ProfileReader.DEFAULT_BASE.equals(profile.name())) {
            notes.add(profile.name());
        }
        if (sensitivity.keep() > 0) {
            notes.add(sensitivity.keep() + " sensitive at " + sensitivity.as());
        }
        return notes.isEmpty() ? bits : bits + " (" + String.join(", ", notes) + ")";
    }

    /**
     * Sensitivity-guided mixed precision: rank the quantized sites by the error of the model's
     * output when only that site is quantized, and keep the worst {@code keep} at higher precision.
     *
     * @param keep    how many sites to keep; 0 = no analysis
     * @param as      {@value #SIXTEEN_BIT} or {@value #PER_TOKEN}
     * @param batches calibration batches to measure on
     */
    public record Sensitivity(int keep, String as, int batches) {

        /** Kept sites become 16-bit (weights and activations). */
        public static final String SIXTEEN_BIT = "16bit";
        /** Kept activation sites get per-token ranges at their bit width. */
        public static final String PER_TOKEN = "per-token";

        public Sensitivity {
            if (!List.of(SIXTEEN_BIT, PER_TOKEN).contains(as)) {
                throw new IllegalArgumentException("sensitivity.as must be " + SIXTEEN_BIT + " or " + PER_TOKEN + ", got " + as);
            }
        }

        /** Whether a site of this scheme can be promoted: not 16-bit already, or (per token) an activation not per token yet. */
        public boolean canPromote(QuantizationSite site, QuantScheme scheme) {
            return PER_TOKEN.equals(as) ? !site.isWeight() && scheme.granularity() != Granularity.TOKEN : scheme.bits() < QuantScheme.MAX_BITS;
        }

        /** The scheme a promoted site gets. */
        public QuantScheme promote(QuantScheme scheme) {
            return PER_TOKEN.equals(as)
                    ? new QuantScheme(scheme.bits(), scheme.symmetric(), Granularity.TOKEN, -1, scheme.grid())
                    : new QuantScheme(QuantScheme.MAX_BITS, scheme.symmetric(), scheme.granularity(), scheme.axis(), scheme.grid());
        }
    }
}
