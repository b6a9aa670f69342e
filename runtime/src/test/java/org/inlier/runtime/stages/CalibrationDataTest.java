package org.inlier.runtime.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.inlier.api.data.Split;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.plugin.Options;
import org.inlier.api.plugin.PluginKind;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.RangeEstimator;
import org.inlier.api.quant.RangeObserver;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.api.suppression.CalibrationContext;
import org.inlier.api.suppression.OutputLossGraph;
import org.inlier.runtime.config.PipelineLoader;
import org.inlier.runtime.config.PipelineValidator;
import org.inlier.runtime.model.FakeQuantSites;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.plugins.PluginDiscovery;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.quant.QuantizationPlan;
import org.inlier.runtime.train.TokenWindows;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The calibration data of a small post-LN encoder ({@code encoder-mlm}, 6-bit activations, 4-bit
 * per-channel weights) on three batches whose last tokens are padding, set up as the calibrate
 * stage sets it up, checked against an independent reference: the model rebuilt with frozen
 * fake quantization at every site, as the evaluate stage builds it, and the masked MSE in Java.
 */
class CalibrationDataTest {

    private static final PluginRegistry PLUGINS = PluginDiscovery.discover(null);
    private static final int BATCHES = 3;

    @TempDir
    static Path dir;

    private static RunContext run;
    private static QuantizationPlan plan;
    private static CalibrationData data;
    private static Map<String, QuantizationSite> sites;
    private static Map<String, Range> estimated;
    private static ModelGraph floatModel;
    private static Map<String, String> variables;
    private static final List<Map<String, INDArray>> feeds = new ArrayList<>();
    private static final List<INDArray> floatOutputs = new ArrayList<>();

    @BeforeAll
    static void calibrate() throws IOException {
        Path corpus = text(dir);
        String pipeline = """
                seed: 5
                model: { family: encoder-mlm, layers: 2, hidden: 16, heads: 2, ffn: 32, seq: 8 }
                data: { set: text-file, path: "%s" }
                stages:
                  - calibrate: { batches: 3, batch: 4 }
                  - quantize: { weights: { bits: 4, granularity: channel }, activations: { bits: 6 } }
                """.formatted(corpus.toAbsolutePath());
        run = new RunContext("test", Files.createDirectories(dir.resolve("run")), dir.resolve("cache"),
                PipelineValidator.validate(PipelineLoader.parse(pipeline, "p.yaml", "p.yaml"), "p.yaml", "p", PLUGINS, StageCatalog.builtIn()),
                PLUGINS, (type, values) -> { });
        run.ensureWeights();
        plan = QuantizationPlan.of(run.config(), run.registry());

        SiteRecorder recorder = new SiteRecorder(SiteInstrumentation.NONE);
        floatModel = run.buildModel(recorder, false);
        sites = new LinkedHashMap<>();
        variables = new LinkedHashMap<>();
        recorder.sites().forEach((site, variable) -> {
            if (!site.isWeight() && plan.profile().selects(site)) {
                sites.put(site.name(), site);
                variables.put(site.name(), variable.name());
            }
        });
        TokenWindows windows = TokenWindows.of(run.corpus(), Split.TRAIN, 9);
        Random random = new Random(1);
        Map<String, List<INDArray>> values = new LinkedHashMap<>();
        for (int b = 0; b < BATCHES; b++) {
            Map<String, INDArray> batch = new LinkedHashMap<>(run.family().batch(windows.random(4, random), run.config().model().options(),
                    run.corpus().tokenizer().vocabSize(), false, random));
            INDArray mask = Nd4j.ones(DataType.FLOAT, 4, 8);
            for (int i = 0; i < 4; i++) {
                for (int t = 5 + i % 3; t < 8; t++) { // 1 to 3 padding tokens at the end of each window
                    mask.putScalar(i, t, 0);
                }
            }
            batch.put(ModelGraph.PADDING_MASK, mask);
            feeds.add(batch);
            List<String> fetch = new ArrayList<>(variables.values());
            fetch.add(floatModel.output());
            Map<String, INDArray> out = floatModel.sd().output(batch, fetch);
            floatOutputs.add(out.get(floatModel.output()));
            variables.forEach((site, variable) -> values.computeIfAbsent(site, k -> new ArrayList<>()).add(out.get(variable)));
        }
        estimated = new LinkedHashMap<>();
        values.forEach((site, batches) -> estimated.put(site, Range.of(
                batches.stream().mapToDouble(v -> v.minNumber().doubleValue()).min().orElseThrow(),
                batches.stream().mapToDouble(v -> v.maxNumber().doubleValue()).max().orElseThrow())));
        data = new CalibrationData(run, plan, sites, estimated, floatModel, variables, feeds, floatOutputs);
    }

    private static Path text(Path dir) throws IOException {
        String[] words = {"the cat", "a dog", "sees", "likes", "the ball", "a red house", "the river"};
        Random random = new Random(3);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            text.append(words[random.nextInt(words.length)]).append(' ').append(words[random.nextInt(words.length)]).append(".\n");
        }
        return Files.writeString(dir.resolve("corpus.txt"), text);
    }

    /** Every estimated range shrunk towards its middle by {@code factor} (1 keeps it). */
    private static Map<String, Range> shrunk(double factor) {
        Map<String, Range> ranges = new LinkedHashMap<>();
        estimated.forEach((site, r) -> {
            double middle = (r.min()[0] + r.max()[0]) / 2;
            ranges.put(site, Range.of(middle + (r.min()[0] - middle) * factor, middle + (r.max()[0] - middle) * factor));
        });
        return ranges;
    }

    /**
     * The reference: the model rebuilt with frozen fake quantization at every activation site (these
     * ranges) and every weight (its min-max range), and the MSE over real tokens computed in Java.
     */
    private static double referenceError(Map<String, Range> ranges, boolean masked) {
        return referenceError(ranges, masked, BATCHES);
    }

    private static double referenceError(Map<String, Range> ranges, boolean masked, int batches) {
        Map<String, QuantParams> params = new LinkedHashMap<>();
        ranges.forEach((site, range) -> params.put(site, plan.quantizer().params(plan.schemeFor(sites.get(site)), range)));
        SiteRecorder floatSites = new SiteRecorder(SiteInstrumentation.NONE);
        ModelGraph weightsOnly = run.buildModel(floatSites, false);
        RangeEstimator minMax = PLUGINS.require(PluginKind.RANGE_ESTIMATOR, "min-max", RangeEstimator.class);
        floatSites.sites().forEach((site, variable) -> {
            if (site.isWeight() && plan.profile().selects(site)) {
                RangeObserver observer = minMax.observer(plan.schemeFor(site), plan.quantizer(), Options.empty());
                observer.observe(weightsOnly.sd().getArrForVarName(variable.name()));
                params.put(site.name(), plan.quantizer().params(plan.schemeFor(site), observer.range()));
            }
        });
        ModelGraph quantized = run.buildModel(new SiteRecorder(new FakeQuantSites(plan.quantizer(), params, false)), false);
        double sum = 0;
        double count = 0;
        for (int b = 0; b < batches; b++) {
            INDArray out = quantized.sd().output(feeds.get(b), quantized.output()).get(quantized.output()).castTo(DataType.DOUBLE);
            INDArray diff = out.sub(floatOutputs.get(b).castTo(DataType.DOUBLE));
            INDArray perToken = diff.mul(diff).sum(2); // (B, T)
            INDArray mask = masked ? feeds.get(b).get(ModelGraph.PADDING_MASK).castTo(DataType.DOUBLE) : Nd4j.ones(DataType.DOUBLE, 4, 8);
            sum += perToken.mul(mask).sumNumber().doubleValue();
            count += mask.sumNumber().doubleValue() * out.size(2);
        }
        return sum / count;
    }

    @Test
    void oneQuantizedGraphScoresEveryCandidateAsTheRebuiltModelDoes() {
        CalibrationContext context = data.forMethod("test");
        for (double factor : new double[] {1.0, 0.6, 0.3, 1.0}) {
            Map<String, Range> ranges = shrunk(factor);

            double error = context.outputError(ranges);

            assertThat(error).as("ranges shrunk to %s", factor).isCloseTo(referenceError(ranges, true), within(1e-5 * error));
        }
        assertThat(context.outputError(shrunk(0.3))).isGreaterThan(context.outputError(shrunk(1.0)));
    }

    @Test
    void aScoreOnTheFirstBatchesCountsOnlyThose() {
        Map<String, Range> ranges = shrunk(0.7);

        double first = data.forMethod("test").outputError(ranges, 1);

        assertThat(first).isCloseTo(referenceError(ranges, true, 1), within(1e-5 * first));
        assertThat(data.forMethod("test").outputError(ranges, 100)).isEqualTo(data.forMethod("test").outputError(ranges));
        assertThatThrownBy(() -> data.forMethod("test").outputError(ranges, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void paddingPositionsDoNotCount() {
        Map<String, Range> ranges = shrunk(0.5);
        double masked = referenceError(ranges, true);

        assertThat(referenceError(ranges, false)).as("the unmasked error differs, so the test can tell").isNotCloseTo(masked, within(1e-3 * masked));
        assertThat(data.forMethod("test").outputError(ranges)).isCloseTo(masked, within(1e-5 * masked));
        assertThat(data.forMethod("test").tokenMasks()).hasSize(BATCHES)
                .allSatisfy(mask -> assertThat(mask.sumNumber().doubleValue()).isEqualTo(4 * 8 - 9)); // 3 + 2 + 1 + 3 padding tokens
    }

    @Test
    void aSiteWithoutARangeIsNamed() {
        Map<String, Range> ranges = shrunk(1.0);
        String missing = ranges.keySet().iterator().next();
        ranges.remove(missing);

        assertThatThrownBy(() -> data.forMethod("test").outputError(ranges)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing);
    }

    @Test
    void theLossGraphStartsAtTheOutputErrorAndGivesGradientsToTheLearnedParameters() {
        CalibrationContext context = data.forMethod("test");
        Map<String, Range> ranges = shrunk(0.8);
        String learnedSite = sites.keySet().stream().filter(s -> s.contains("ffn.out")).findFirst().orElseThrow();
        QuantParams p = context.params(learnedSite, ranges.get(learnedSite));
        Map<String, Range> frozen = new LinkedHashMap<>(ranges);
        frozen.remove(learnedSite);

        OutputLossGraph graph = context.outputLossGraph(frozen, Map.of(learnedSite, x -> {
            SDVariable s = x.getSameDiff().var("s", Nd4j.scalar(x.dataType(), p.scale()[0]));
            SDVariable z = x.getSameDiff().var("z", Nd4j.scalar(x.dataType(), p.zeroPoint()[0]));
            return context.learnableFakeQuantize(learnedSite, x, s, z);
        }));

        double sum = 0;
        double count = 0;
        for (int b = 0; b < BATCHES; b++) {
            double tokens = feeds.get(b).get(ModelGraph.PADDING_MASK).sumNumber().doubleValue();
            sum += graph.sd().output(graph.feeds().get(b), graph.loss()).get(graph.loss()).getDouble(0) * tokens;
            count += tokens;
        }
        assertThat(sum / count).isCloseTo(context.outputError(ranges), within(1e-4 * sum / count));
        Map<String, INDArray> gradients = graph.sd().calculateGradients(graph.feeds().get(0), "s", "z");
        assertThat(gradients.get("s").getDouble(0)).isNotZero();
        assertThat(gradients).containsKey("z");
    }

    @Test
    void forEachBatchHandsOverTheFloatValuesAndTheMaskOfEachBatch() {
        List<String> two = List.copyOf(sites.keySet()).subList(0, 2);
        List<Integer> seen = new ArrayList<>();

        data.forMethod("test").forEachBatch(two, (b, values, mask) -> {
            seen.add(b);
            assertThat(values).containsOnlyKeys(two);
            for (String site : two) {
                INDArray expected = floatModel.sd().output(feeds.get(b), variables.get(site)).get(variables.get(site));
                assertThat(values.get(site)).isEqualTo(expected);
            }
            assertThat(mask).isEqualTo(feeds.get(b).get(ModelGraph.PADDING_MASK));
        });

        assertThat(seen).containsExactly(0, 1, 2);
        assertThat(data.forMethod("test").samples(two.get(0))).hasSize(BATCHES);
        assertThatThrownBy(() -> data.forMethod("test").forEachBatch(List.of("nowhere"), (b, v, m) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nowhere");
    }

    @Test
    void recordsGoToTheMethodsTablesAndTheReport() {
        data.forMethod("some-method").record("candidates", Map.of("alpha", 0.99, "output_mse", 1.5));

        assertThat(data.records().get("some-method").get("candidates")).containsExactly(Map.of("alpha", 0.99, "output_mse", 1.5));
        assertThat(run.report().sections()).containsKey("some-method: candidates");
    }
}
