package org.inlier.runtime.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.inlier.api.plugin.PluginKind;
import org.inlier.runtime.config.ConfigProblem;
import org.inlier.runtime.config.PipelineException;
import org.inlier.runtime.config.PipelineLoader;
import org.inlier.runtime.config.PipelineValidator;
import org.inlier.runtime.plugins.PluginDiscovery;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.stages.StageCatalog;
import org.junit.jupiter.api.Test;

class SweepPlanTest {

    private static final PluginRegistry PLUGINS = PluginDiscovery.discover(null);

    private static final String PIPELINE = """
            seed: 7
            model: { family: decoder-clm, layers: 1, hidden: 16, heads: 2, ffn: 32, seq: 8 }
            data: { set: text-file, path: x.txt }
            attention: { variant: vanilla }
            stages:
              - train: { steps: 5 }
              - calibrate
              - quantize: { weights: { bits: 8 }, activations: { bits: 8 } }
              - evaluate
            """;

    private static SweepPlan plan(String sweep) {
        return SweepPlan.of(PipelineLoader.parse(PIPELINE + sweep, "s.yaml", "s.yaml"), "s.yaml", "s", PLUGINS, StageCatalog.builtIn());
    }

    private static List<String> problems(String sweep) {
        return catchThrowableOfType(PipelineException.class, () -> plan(sweep)).problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void expandsTheGridInBlockOrderWithTheLastKeyVaryingFastest() {
        SweepPlan plan = plan("""
                sweep:
                  attention.variant: [vanilla, clipped-softmax]
                  quantize.activations.bits: [8, 4]
                """);

        assertThat(plan.points()).extracting(SweepPoint::id)
                .containsExactly("p01-vanilla-8", "p02-vanilla-4", "p03-clipped-softmax-8", "p04-clipped-softmax-4");
        SweepPoint last = plan.points().get(3);
        assertThat(last.config().attention().id()).isEqualTo("clipped-softmax");
        assertThat(last.config().stage("quantize").orElseThrow().options().getInt("activations.bits")).isEqualTo(4);
        assertThat(last.describe()).isEqualTo("attention.variant=clipped-softmax, quantize.activations.bits=4, seed 7");
        assertThat(plan.repeated()).isFalse();
    }

    @Test
    void stageKeysMayNameTheStagesListOrOneStageByPosition() {
        SweepPlan byList = plan("sweep: { stages.evaluate.batches: [3] }");
        SweepPlan byIndex = plan("sweep: { 'stages[1].calibrate.batches': [5] }");

        assertThat(byList.points().get(0).config().stage("evaluate").orElseThrow().options().getInt("batches")).isEqualTo(3);
        assertThat(byIndex.points().get(0).config().stage("calibrate").orElseThrow().options().getInt("batches")).isEqualTo(5);
    }

    @Test
    void keysJoinedByPlusTakeTheSameValue() {
        SweepPlan plan = plan("sweep: { quantize.weights.bits+quantize.activations.bits: [8, 6] }");

        assertThat(plan.points()).hasSize(2);
        var quantize = plan.points().get(1).config().stage("quantize").orElseThrow().options();
        assertThat(quantize.getInt("weights.bits")).isEqualTo(6);
        assertThat(quantize.getInt("activations.bits")).isEqualTo(6);
        assertThat(plan.axes().get(0).isBitWidth()).isTrue();
        assertThat(problems("sweep: { quantize.weights.bits+quantise.bits: [8] }")).singleElement().asString()
                .contains("'quantise' is not a stage; did you mean 'quantize'?");
    }

    @Test
    void repeatsRunConsecutiveSeedsFromThePipelines() {
        SweepPlan plan = plan("sweep: { quantize.activations.bits: [8, 4], repeats: 3 }");

        assertThat(plan.points()).extracting(p -> p.config().seed()).containsExactly(7L, 8L, 9L, 7L, 8L, 9L);
        assertThat(plan.points().get(1).id()).isEqualTo("p02-8-s8");
        assertThat(plan.repeated()).isTrue();
    }

    @Test
    void aSeedListRepeatsLikeRepeats() {
        SweepPlan plan = plan("sweep: { seed: [1, 2] }");

        assertThat(plan.points()).extracting(SweepPoint::id).containsExactly("p01-s1", "p02-s2");
        assertThat(plan.points().get(0).settings()).isEmpty();
    }

    @Test
    void problemsNameTheSweepKeyAndItsValuesOnce() {
        List<String> problems = problems("""
                sweep:
                  attention.variant: [vanilla, clipped-sofmax]
                  quantize.activations.bits: [8, 17, 33]
                  calibrat.batches: [2]
                  seed: [1]
                  repeats: 2
                """);

        assertThat(problems).containsExactly("sweep.repeats: give either seed values or repeats, not both");
        problems = problems("""
                sweep:
                  attention.variant: [vanilla, clipped-sofmax]
                  quantize.activations.bits: [8, 17, 33]
                  calibrat.batches: [2]
                """);
        assertThat(problems).containsExactlyInAnyOrder(
                "sweep.calibrat.batches: 'calibrat' is not a stage; did you mean 'calibrate'?",
                "sweep.attention.variant: value clipped-sofmax gives attention: unknown attention-variant 'clipped-sofmax'; "
                        + "did you mean 'clipped-softmax'? allowed: " + String.join(", ", PLUGINS.ids(PluginKind.ATTENTION_VARIANT)),
                "sweep.quantize.activations.bits: value 17 gives stages[2].quantize.activations.bits: got 17; allowed: integer in [2, 16]",
                "sweep.quantize.activations.bits: value 33 gives stages[2].quantize.activations.bits: got 33; allowed: integer in [2, 16]");
        assertThat(problems("sweep: { quantize.activation.bits: [8, 4] }")).singleElement().asString().startsWith(
                "sweep.quantize.activation.bits: values 8, 4 give stages[2].quantize.activation.bits: unknown option of stage 'quantize'; "
                        + "did you mean 'activations.bits'?");
    }

    @Test
    void keysThatNameNothingInThePipelineSayWhy() {
        assertThat(problems("sweep: { evaluate.batches: [1], train.steps: 3 }"))
                .containsExactly("sweep.train.steps: got 3; allowed: a non-empty list of values, e.g. [3]");
        assertThat(problems("sweep: { 'stages[0].quantize.bits': [4] }"))
                .containsExactly("sweep.stages[0].quantize.bits: stages[0] is a 'train' stage; write stages[0].train.<option>");
        assertThat(problems("sweep: { model.family.size: [10] }")).singleElement().asString()
                .startsWith("sweep.model.family.size: 'model.family' is \"decoder-clm\", not a block");
    }

    @Test
    void pointsThatDifferOnlyAfterTrainingShareOneTraining() {
        SweepPlan plan = plan("""
                sweep:
                  attention.variant: [vanilla, clipped-softmax]
                  quantize.activations.bits: [8, 6, 4]
                """);

        assertThat(SharedTraining.groups(plan.points())).extracting(g -> g.stream().map(SweepPoint::id).toList()).containsExactly(
                List.of("p01-vanilla-8", "p02-vanilla-6", "p03-vanilla-4"),
                List.of("p04-clipped-softmax-8", "p05-clipped-softmax-6", "p06-clipped-softmax-4"));
        assertThat(plan.trainingCount()).isEqualTo(2);
    }

    @Test
    void aPipelineWithoutATrainStageCountsNoTraining() {
        String untrained = PIPELINE.replace("  - train: { steps: 5 }\n", "") + "sweep: { quantize.activations.bits: [8, 6] }";
        SweepPlan plan = SweepPlan.of(PipelineLoader.parse(untrained, "s.yaml", "s.yaml"), "s.yaml", "s", PLUGINS, StageCatalog.builtIn());

        assertThat(plan.points()).hasSize(2);
        assertThat(plan.trainingCount()).isZero();
    }

    @Test
    void aSweepFileRunAsAPipelineSaysToUseTheSweepCommand() {
        PipelineException e = catchThrowableOfType(PipelineException.class, () -> PipelineValidator.validate(
                PipelineLoader.parse(PIPELINE + "sweep: { seed: [1] }", "s.yaml", "s.yaml"), "s.yaml", "s", PLUGINS, StageCatalog.builtIn()));

        assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactly(
                "sweep: a sweep block expands into several pipelines; run it (or check it with --dry-run) with 'inlier sweep <file>'");
    }
}
