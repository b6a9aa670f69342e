package org.inlier.runtime.quant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.inlier.api.attention.AttentionVariant;
import org.inlier.api.model.ModelFamily;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.plugin.PluginKind;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.api.site.SiteKind;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.plugins.PluginDiscovery;
import org.inlier.runtime.plugins.PluginRegistry;
import org.junit.jupiter.api.Test;

class PlacementProfileTest {

    private static final PluginRegistry PLUGINS = PluginDiscovery.discover(null);
    private static final QuantScheme W8 = QuantScheme.symmetricPerTensor(8);
    private static final QuantScheme A8 = QuantScheme.asymmetricPerTensor(8);
    private static final Function<QuantizationSite, QuantScheme> DEFAULTS = site -> site.isWeight() ? W8 : A8;

    /** The sites a model family declares, in graph order, for a 2-layer model. */
    private static List<QuantizationSite> sitesOf(String family) {
        ModelFamily f = PLUGINS.require(PluginKind.MODEL_FAMILY, family, ModelFamily.class);
        AttentionVariant vanilla = PLUGINS.require(PluginKind.ATTENTION_VARIANT, "vanilla", AttentionVariant.class);
        SiteRecorder recorder = new SiteRecorder(SiteInstrumentation.NONE);
        Options options = Options.withDefaults(f.options(), Map.of("layers", 2, "hidden", 16, "heads", 2, "ffn", 32, "seq", 8));
        f.build(new ModelSpec(options, 50, vanilla, Options.withDefaults(vanilla.options(), Map.of()), recorder, 1, false));
        return List.copyOf(recorder.sites().keySet());
    }

    /**
     * bert-onnx builds the same post-LN encoder as encoder-mlm ({@code PostLnEncoder}) without the
     * pretraining head, so its sites are encoder-mlm's outside {@code head.*}.
     */
    private static List<QuantizationSite> bertOnnxSites() {
        return sitesOf("encoder-mlm").stream().filter(s -> !s.name().startsWith("head.")).toList();
    }

    private static QuantizationSite activation(String name) {
        return QuantizationSite.activation(name, SiteKind.RESIDUAL, 0);
    }

    private static PlacementProfile.Placement place(String profile, List<QuantizationSite> sites) {
        return PlacementProfile.BUILT_IN.get(profile).place(sites, DEFAULTS);
    }

    @Test
    void fullProfileQuantizesEverythingButTheFinalHead() {
        PlacementProfile full = PlacementProfile.BUILT_IN.get("w8a8-full");
        assertThat(full.selects(activation("layer.0.attn.probs"))).isTrue();
        assertThat(full.selects(QuantizationSite.weight("layer.0.ffn.fc1.weight", 0, 1))).isTrue();
        assertThat(full.selects(activation("head.logits"))).isFalse();
        assertThat(full.selects(QuantizationSite.weight("head.weight", -1, 1))).isFalse();
    }

    @Test
    void weightsOnlyLeavesActivationsInFloat() {
        PlacementProfile weights = PlacementProfile.BUILT_IN.get("weights-only");
        assertThat(weights.selects(activation("layer.0.ffn.out"))).isFalse();
        assertThat(weights.selects(QuantizationSite.weight("layer.0.ffn.fc1.weight", 0, 1))).isTrue();
    }

    @Test
    void starMatchesAnyRunOfCharactersIncludingDots() {
        assertThat(SitePatterns.glob("layer.*.ln?.out", "layer.1.ln?.out")).isTrue();
        assertThat(SitePatterns.glob("layer.*.out", "layer.1.attn.out")).isTrue();
        assertThat(SitePatterns.glob("layer.*.out", "layer.1.attn.outer")).isFalse();
    }

    @Test
    void finalLayerNormIsTheLastQuantizedLayerNormOutputOfEachFamily() {
        assertThat(place("w8a8-final-ln16", sitesOf("decoder-clm")).schemes().entrySet())
                .filteredOn(e -> e.getValue().bits() == 16).extracting(Map.Entry::getKey).containsExactly("final_ln.out");
        // encoder-mlm's own head.ln is in the excluded head: the final LayerNorm is the last hidden state.
        assertThat(place("w8a8-final-ln16", sitesOf("encoder-mlm")).schemes().entrySet())
                .filteredOn(e -> e.getValue().bits() == 16).extracting(Map.Entry::getKey).containsExactly("layer.1.ln2.out");
        assertThat(place("w8a8-final-ln-float", bertOnnxSites()).inFloat()).containsExactly("layer.1.ln2.out");
        assertThat(place("w8a8-final-ln-float", bertOnnxSites()).schemes()).doesNotContainKey("layer.1.ln2.out").containsKey("layer.1.ln1.out");
    }

    @Test
    void layerNormVariantsChangeEveryLayerNormOutputAndNothingElse() {
        List<QuantizationSite> sites = sitesOf("decoder-clm");
        PlacementProfile.Placement ln16 = place("w8a8-ln16", sites);
        PlacementProfile.Placement full = place("w8a8-full", sites);
        List<String> norms = List.of("layer.0.ln1.out", "layer.0.ln2.out", "layer.1.ln1.out", "layer.1.ln2.out", "final_ln.out");
        assertThat(ln16.schemes().keySet()).isEqualTo(full.schemes().keySet());
        ln16.schemes().forEach((site, scheme) -> assertThat(scheme.bits()).as(site).isEqualTo(norms.contains(site) ? 16 : 8));
        // A LayerNorm's input is a residual sum, quantized as such.
        assertThat(ln16.schemes().get("layer.0.ln1.in").bits()).isEqualTo(8);

        PlacementProfile.Placement lnFloat = place("w8a8-ln-float", bertOnnxSites());
        assertThat(lnFloat.inFloat()).containsExactly("embed.ln.out", "layer.0.ln1.out", "layer.0.ln2.out", "layer.1.ln1.out", "layer.1.ln2.out");
        assertThat(lnFloat.schemes().keySet()).doesNotContainAnyElementsOf(lnFloat.inFloat());
    }

    @Test
    void overridesApplyInOrderAndTheLaterOneWins() {
        PlacementProfile profile = new PlacementProfile("mixed", List.of("*"), List.of("head.*"), List.of(
                SiteOverride.bits("layer.*", 4),
                SiteOverride.bits("layer.0.*", 6),
                SiteOverride.keepFloat("layer.1.ffn.*"),
                SiteOverride.bits("layer.1.ffn.out", 16),
                SiteOverride.granularity("layer.1.attn.*", Granularity.TOKEN)), Set.of());
        PlacementProfile.Placement p = profile.place(sitesOf("decoder-clm"), DEFAULTS);
        assertThat(p.schemes().get("embed.sum").bits()).isEqualTo(8);
        assertThat(p.schemes().get("layer.0.attn.probs").bits()).isEqualTo(6);
        assertThat(p.schemes().get("layer.1.attn.probs").bits()).isEqualTo(4);
        assertThat(p.inFloat()).contains("layer.1.ffn.hidden", "layer.1.ffn.residual").doesNotContain("layer.1.ffn.out");
        // A bit width brings a float site back with the plan's scheme for it.
        assertThat(p.schemes().get("layer.1.ffn.out")).isEqualTo(new QuantScheme(16, false, Granularity.TENSOR, A8.axis(), A8.grid()));
        // Per-token ranges are for activations; the weights the pattern also matches keep theirs.
        assertThat(p.schemes().get("layer.1.attn.scores").granularity()).isEqualTo(Granularity.TOKEN);
        assertThat(p.schemes().get("layer.1.attn.q.weight").granularity()).isEqualTo(Granularity.TENSOR);
        assertThat(p.summary()).contains("at 4 bits", "at 6 bits", "at 8 bits", "1 at 16 bits", "per token", "in float");
    }

    @Test
    void perChannelOverridesOfWeightsUseTheSitesChannelAxis() {
        PlacementProfile profile = PlacementProfile.BUILT_IN.get("w8a8-full")
                .extended("channels", List.of(SiteOverride.granularity("kind:weight", Granularity.CHANNEL)));
        PlacementProfile.Placement p = profile.place(sitesOf("decoder-clm"), DEFAULTS);
        assertThat(p.schemes().get("layer.0.ffn.fc1.weight").granularity()).isEqualTo(Granularity.CHANNEL);
        assertThat(p.schemes().get("layer.0.ffn.fc1.weight").axis()).isEqualTo(1);
        assertThat(p.schemes().get("layer.0.ffn.out").granularity()).isEqualTo(Granularity.TENSOR);
    }

    @Test
    void patternsThatMatchNoSiteAreNamedButABuiltInsGenericPatternsAreNot() {
        // bert-onnx has no head: w8a8-full's exclude of head.* is written for every family and says nothing.
        assertThat(place("w8a8-full", bertOnnxSites()).unmatched()).isEmpty();
        PlacementProfile mine = new PlacementProfile("mine", List.of("*", "layer.9.*"), List.of("head.*", "embeddings.*"),
                List.of(SiteOverride.bits("head.logits", 16), SiteOverride.bits("layer.0.attn.probs", 16)), Set.of());
        assertThat(mine.place(bertOnnxSites(), DEFAULTS).unmatched()).containsExactly(
                "placement pattern 'layer.9.*' (include of profile 'mine') matches no site of the model",
                "placement pattern 'head.*' (exclude of profile 'mine') matches no site of the model",
                "placement pattern 'embeddings.*' (exclude of profile 'mine') matches no site of the model",
                "placement pattern 'head.logits' (override 1 of profile 'mine') matches no quantized site of the model");
        // A built-in's override that finds nothing is reported: the model has no LayerNorm at all.
        List<QuantizationSite> noNorms = List.of(activation("x.out"), QuantizationSite.weight("x.weight", 0, 1));
        assertThat(place("w8a8-ln16", noNorms).unmatched()).containsExactly(
                "placement pattern 'kind:layernorm-output' (override 1 of profile 'w8a8-ln16') matches no quantized site of the model");
    }

    @Test
    void kindPatternsSelectByTheKindsModelsDeclare() {
        List<QuantizationSite> sites = sitesOf("decoder-clm");
        assertThat(SitePatterns.select("kind:attention-probs", sites)).extracting(QuantizationSite::name)
                .containsExactly("layer.0.attn.probs", "layer.1.attn.probs");
        assertThat(SitePatterns.select("last:residual", sites)).extracting(QuantizationSite::name).containsExactly("layer.1.ffn.residual");
        assertThat(SitePatterns.problem("kind:layernorm", false)).hasValueSatisfying(m -> assertThat(m)
                .startsWith("unknown site kind 'layernorm' in 'kind:layernorm'; allowed: embedding-sum, layernorm-input, layernorm-output"));
        assertThat(SitePatterns.problem("last:layernorm-output", false)).hasValueSatisfying(m -> assertThat(m).contains("only overrides use it"));
        assertThat(SitePatterns.problem("last:layernorm-output", true)).isEmpty();
    }
}
