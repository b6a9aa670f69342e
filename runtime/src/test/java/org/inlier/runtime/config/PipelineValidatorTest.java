package org.inlier.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.inlier.runtime.plugins.PluginDiscovery;
import org.inlier.runtime.plugins.PluginRegistry;
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
}
