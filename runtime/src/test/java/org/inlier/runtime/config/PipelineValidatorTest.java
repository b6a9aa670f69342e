package org.inlier.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.inlier.api.quant.Granularity;
import org.inlier.runtime.plugins.PluginDiscovery;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.quant.PlacementProfile;
import org.inlier.runtime.quant.QuantizationPlan;
import org.inlier.runtime.quant.SiteOverride;
import org.inlier.runtime.stages.StageCatalog;
import org.junit.jupiter.api.Test;

class PipelineValidatorTest {

    private static final PluginRegistry PLUGINS = PluginDiscovery.discover(null);

    private static PipelineConfig validate(String text, String fileName) {
        return PipelineValidator.validate(PipelineLoader.parse(text, fileName, fileName), fileName, "default-name", PLUGINS,
                StageCatalog.builtIn());
    }

    private static PipelineException invalid(String text) {
        return catchThrowableOfType(PipelineException.class, () -> validate(text, "p.yaml"));
    }

    @Test
    void fillsDefaultsAndBindsPluginBlocks() {
        PipelineConfig config = validate("""
                model: { family: decoder-clm, layers: 3 }
                data: brown-corpus
                stages:
                  - train: { steps: 10, lr: 3e-3 }
                  - calibrate: { estimator: { id: running-min-max, momentum: 0.5 } }
                """, "p.yaml");
        assertThat(config.name()).isEqualTo("default-name");
        assertThat(config.seed()).isEqualTo(42);
        assertThat(config.attention().id()).isEqualTo("vanilla");
        assertThat(config.backend().id()).isEqualTo("nd4j-cpu");
        assertThat(config.model().options().getInt("layers")).isEqualTo(3);
        assertThat(config.model().options().getInt("hidden")).isEqualTo(128);
        assertThat(config.stage("train").orElseThrow().options().getDouble("lr")).isEqualTo(3e-3);
        assertThat(config.stage("calibrate").orElseThrow().plugin("estimator").options().getDouble("momentum")).isEqualTo(0.5);
    }

    @Test
    void readsJsonPipelines() {
        PipelineConfig config = validate("""
                {"model": {"family": "decoder-clm"}, "data": {"set": "text-file", "path": "x.txt"}, "stages": ["train"]}
                """, "p.json");
        assertThat(config.data().options().getString("path")).isEqualTo("x.txt");
    }

    @Test
    void reportsEveryProblemAtOnceWithItsFieldPath() {
        PipelineException e = invalid("""
                modle: {}
                model: { family: decoder-clm, heads: 0 }
                data: { set: text-file }
                stages:
                  - trian: {}
                  - calibrate: { estimator: best }
                  - quantize: { weights: { granularity: row } }
                """);
        assertThat(e.getMessage()).startsWith("p.yaml has the following errors:");
        assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                "modle: unknown field; did you mean 'model'? allowed: name, seed, model, data, attention, backend, suppression, stages",
                "model.heads: got 0; allowed: integer in [1, 64]",
                "data.path: missing required option of dataset 'text-file' (text)",
                "stages[0]: unknown stage 'trian'; did you mean 'train'? allowed: train, calibrate, quantize, evaluate",
                "stages[1].calibrate.estimator: unknown range-estimator 'best'; allowed: min-max, mse, percentile, running-min-max",
                "stages[2].quantize.weights.granularity: got \"row\"; allowed: one of tensor, channel");
    }

    @Test
    void aSyntaxErrorNamesTheLine() {
        PipelineException e = catchThrowableOfType(PipelineException.class,
                () -> PipelineLoader.parse("model: {family: decoder-clm\nstages: [", "p.yaml", "p.yaml"));
        assertThat(e.problems().get(0).message()).startsWith("line ");
    }

    @Test
    void aQuantizeStageTakesABuiltInProfileOrItsOwnBlock() {
        PipelineConfig builtIn = validate("""
                model: decoder-clm
                data: brown-corpus
                stages: [ { quantize: { profile: w8a8-ln16 } } ]
                """, "p.yaml");
        assertThat(QuantizationPlan.of(builtIn, PLUGINS).profile()).isEqualTo(PlacementProfile.BUILT_IN.get("w8a8-ln16"));

        PipelineConfig inline = validate("""
                model: decoder-clm
                data: brown-corpus
                stages:
                  - quantize:
                      activations: { bits: 6 }
                      profile:
                        name: ffn16
                        base: w8a8-final-ln-float
                        exclude: [ "head.*", "embed.*" ]
                        overrides:
                          - { pattern: "layer.*.ffn.out", bits: 16 }
                          - { pattern: "kind:attention-probs", granularity: token }
                """, "p.yaml");
        PlacementProfile profile = QuantizationPlan.of(inline, PLUGINS).profile();
        assertThat(profile.name()).isEqualTo("ffn16");
        assertThat(profile.include()).containsExactly("*");
        assertThat(profile.exclude()).containsExactly("head.*", "embed.*");
        assertThat(profile.overrides()).containsExactly(SiteOverride.keepFloat("last:layernorm-output"),
                SiteOverride.bits("layer.*.ffn.out", 16), SiteOverride.granularity("kind:attention-probs", Granularity.TOKEN));
        // The base's include is written for every family; the user's own exclude patterns are checked against the model.
        assertThat(profile.inherited()).containsExactly("*");
        // Other options of the stage are still read as usual, and the resolved pipeline keeps the block.
        assertThat(inline.stage("quantize").orElseThrow().options().getInt("activations.bits")).isEqualTo(6);
        assertThat(inline.resolved().toString()).contains("layer.*.ffn.out");
    }

    @Test
    void profileProblemsNameTheirFieldPathAndWhatIsAllowed() {
        PipelineException e = invalid("""
                model: decoder-clm
                data: brown-corpus
                stages:
                  - quantize: { profile: w8a8-ful }
                  - quantize:
                      profile:
                        name: w8a8-full
                        include: [ "last:layernorm-output" ]
                        exclude: "kind:layernorm"
                        overides: []
                        overrides:
                          - { pattern: "layer.*", bits: 17 }
                          - { pattern: "layer.*", bits: half, granularity: row }
                          - { bits: 8 }
                          - { pattern: "x", bitz: 8 }
                          - { pattern: "x", bits: float, granularity: token }
                  - quantize: { profile: 3 }
                """);
        assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                "stages[0].quantize.profile: unknown placement profile 'w8a8-ful'; did you mean 'w8a8-full'? allowed: w8a8-full,"
                        + " weights-only, w8a8-final-ln16, w8a8-ln16, w8a8-final-ln-float, w8a8-ln-float, or a block with name, base,"
                        + " include, exclude, overrides",
                "stages[1].quantize.profile.overides: unknown field of a placement profile; did you mean 'overrides'? allowed: name,"
                        + " base, include, exclude, overrides",
                "stages[1].quantize.profile.name: 'w8a8-full' is a built-in profile's name; choose another (or write it as"
                        + " 'profile: w8a8-full', or as 'base:')",
                "stages[1].quantize.profile.include[0]: 'last:layernorm-output': last: picks among the quantized sites, so only"
                        + " overrides use it; include and exclude take globs and kind:<kind>",
                "stages[1].quantize.profile.exclude: unknown site kind 'layernorm' in 'kind:layernorm'; allowed: embedding-sum,"
                        + " layernorm-input, layernorm-output, qkv-output, attention-scores, attention-probs, attention-context,"
                        + " attention-output, ffn-hidden, ffn-output, residual, head-output, weight",
                "stages[1].quantize.profile.overrides[0].bits: got 17; allowed: integer in [2, 16], or float to keep the sites unquantized",
                "stages[1].quantize.profile.overrides[1].bits: got \"half\"; allowed: integer in [2, 16], or float to keep the sites unquantized",
                "stages[1].quantize.profile.overrides[1].granularity: got \"row\"; allowed: one of tensor, channel, token (token"
                        + " applies to activations, channel to weights)",
                "stages[1].quantize.profile.overrides[2].pattern: missing; allowed: a site pattern such as \"layer.*.ffn.out\","
                        + " \"kind:layernorm-output\" or \"last:layernorm-output\"",
                "stages[1].quantize.profile.overrides[3].bitz: unknown field of an override; did you mean 'bits'? allowed: pattern,"
                        + " bits, granularity",
                "stages[1].quantize.profile.overrides[3]: sets nothing; give bits (2 to 16, or float) or granularity",
                "stages[1].quantize.profile.overrides[4].granularity: a site kept in float has no granularity; drop one of bits:"
                        + " float and granularity",
                "stages[2].quantize.profile: got 3; allowed: one of w8a8-full, weights-only, w8a8-final-ln16, w8a8-ln16,"
                        + " w8a8-final-ln-float, w8a8-ln-float, or a block with name, base, include, exclude, overrides");
    }

    @Test
    void sensitivityOptionsAreValidatedLikeAnyOther() {
        PipelineException e = invalid("""
                model: decoder-clm
                data: brown-corpus
                stages: [ { quantize: { sensitivity: { keep: -1, as: 8bit } } } ]
                """);
        assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                "stages[0].quantize.sensitivity.keep: got -1; allowed: integer in [0, 100000]",
                "stages[0].quantize.sensitivity.as: got \"8bit\"; allowed: one of 16bit, per-token");
    }
}
