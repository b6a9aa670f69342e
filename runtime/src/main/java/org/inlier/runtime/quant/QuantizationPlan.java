package org.inlier.runtime.quant;

import java.util.Collection;
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
 * How a pipeline quantizes: the placement profile, the weight and activation schemes read from its {@code quantize} stage. Calibration reads the same plan, so
 * ranges are observed for exactly the sites and schemes that will be quantized.
 *
 * <p>A plan is first read from the pipeline, then {@linkplain #bind bound} to one model's sites:
 * the bound plan knows every site's own scheme after the profile's overrides (mixed precision).
 *
 * @param profile     which sites are quantized, and their overrides
 * @param weights     the scheme of weight sites (per-channel schemes use each site's channel axis)
 * @param activations the scheme of activation sites
 * @param quantizer   the quantizer plugin
 * @param placement   the profile resolved against a model's sites; {@code null} until {@link #bind}
 */
public record QuantizationPlan(PlacementProfile profile, QuantScheme weights, QuantScheme activations, Quantizer quantizer,
                               PlacementProfile.Placement placement) {

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
                    "symmetric convention: scale = absmax/(2^(b-1)-1) or absmax/(2^(b-1)-0.5)"));

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
        return new QuantizationPlan(ProfileReader.resolve(o.asMap().get("profile")), weights, activations,
                registry.require(PluginKind.QUANTIZER, quantizerId, Quantizer.class), null);
    }

    /**
     * This plan resolved against a model's sites: which are quantized and each one's scheme.
     *
     * @param sites every site the model declares, in graph order
     */
    public QuantizationPlan bind(Collection<QuantizationSite> sites) {
        return new QuantizationPlan(profile, weights, activations, quantizer,
                profile.place(List.copyOf(sites), this::defaultScheme));
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

    /** A short label such as {@code W8A8}, naming the profile unless it is the full one. */
    public String label() {
        String bits = "W" + weights.bits() + "A" + activations.bits();
        return ProfileReader.DEFAULT_BASE.equals(profile.name()) ? bits : bits + " (" + profile.name() + ")";
    }
}
