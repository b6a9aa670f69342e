package org.inlier.runtime.quant;

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
 * How a pipeline quantizes: the placement profile and the weight and activation schemes, read
 * from its {@code quantize} stage. Calibration reads the same plan, so ranges are observed for
 * exactly the sites and scheme that will be quantized.
 *
 * @param profile     which sites are quantized
 * @param weights     the scheme of weight sites (per-channel schemes use each site's channel axis)
 * @param activations the scheme of activation sites
 * @param quantizer   the quantizer plugin
 */
public record QuantizationPlan(PlacementProfile profile, QuantScheme weights, QuantScheme activations, Quantizer quantizer) {

    /** The {@code quantize} stage's options; defaults are the papers' W8A8 setup. */
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.choice("profile", "w8a8-full", List.copyOf(new java.util.TreeSet<>(PlacementProfile.BUILT_IN.keySet())),
                    "which sites carry quantizers"),
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
        return new QuantizationPlan(PlacementProfile.BUILT_IN.get(o.getString("profile")), weights, activations,
                registry.require(PluginKind.QUANTIZER, quantizerId, Quantizer.class));
    }

    /** The scheme of one site: per-channel weight schemes take the site's channel axis. */
    public QuantScheme schemeFor(QuantizationSite site) {
        if (!site.isWeight()) {
            return activations;
        }
        return new QuantScheme(weights.bits(), weights.symmetric(), weights.granularity(), site.channelAxis(), weights.grid());
    }

    /** A short label such as {@code W8A8}, naming the profile unless it is the full one. */
    public String label() {
        String bits = "W" + weights.bits() + "A" + activations.bits();
        return "w8a8-full".equals(profile.name()) ? bits : bits + " (" + profile.name() + ")";
    }
}
