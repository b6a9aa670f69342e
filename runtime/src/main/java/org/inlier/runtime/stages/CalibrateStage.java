package org.inlier.runtime.stages;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.inlier.api.data.Split;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.PluginKind;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.RangeEstimator;
import org.inlier.api.quant.RangeObserver;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.api.suppression.OutlierSuppression;
import org.inlier.api.suppression.RewriteContext;
import org.inlier.runtime.config.PluginRef;
import org.inlier.runtime.config.StageConfig;
import org.inlier.runtime.model.QatSites;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.quant.QuantizationPlan;
import org.inlier.runtime.store.AtomicFiles;
import org.inlier.runtime.train.TokenWindows;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs calibration batches from the training split through the floating-point model with a
 * range observer at every activation site the quantization plan selects, and saves the ranges
 * to {@code calibration.json}. Sites whose clipping bounds were learned in quantization-aware
 * training keep those bounds; range-choosing methods (Token-Wise Clipping) have the last word.
 */
public final class CalibrateStage implements Stage {

    /** Keeps calibration batches apart from training batches of the same seed. */
    private static final long CALIBRATION_STREAM = 0x5eed_ca1bL;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public String name() {
        return "calibrate";
    }

    @Override
    public String description() {
        return "observe activation ranges on calibration batches";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.integer("batches", 16, 1, 100_000, "calibration batches"),
                OptionSpec.integer("batch", 16, 1, 4096, "windows per calibration batch"),
                OptionSpec.bool("learned_ranges", true, "sites trained with learned clipping (train.qat) keep their learned bounds"
                        + " instead of the estimator's range, unless a rewrite changed the model"));
    }

    @Override
    public Map<String, PluginSlot> pluginSlots() {
        return Map.of("estimator", new PluginSlot(PluginKind.RANGE_ESTIMATOR, "min-max"));
    }

    /** Applies the pipeline's exact model rewrites (e.g. Gamma Migration) and keeps the rewritten weights; whether any changed the model. */
    private static boolean rewrite(RunContext run, ModelGraph model, RewriteContext statistics) {
        boolean changed = false;
        for (PluginRef ref : run.config().suppression()) {
            OutlierSuppression method = run.registry().require(PluginKind.OUTLIER_SUPPRESSION, ref.id(), OutlierSuppression.class);
            Optional<String> what = method.rewrite(model, statistics, ref.options());
            if (what.isPresent()) {
                run.events().log("calibrate: " + ref.id() + ": " + what.get());
                run.report().row("suppression", Map.of("method", ref.id(), "hook", "rewrite", "effect", what.get()));
                changed = true;
            }
        }
        if (changed) {
            run.keepWeights(model);
        }
        return changed;
    }

    /**
     * The clipping bounds quantization-aware training learned, by site, for the per-tensor sites of
     * this calibration; the paper's recipe quantizes the trained model's layer inputs with them.
     */
    private static Map<String, Range> learnedRanges(Map<String, INDArray> weights, Map<String, QuantizationSite> sites, QuantizationPlan plan) {
        Map<String, Range> learned = new LinkedHashMap<>();
        for (QuantizationSite site : sites.values()) {
            INDArray low = weights.get(QatSites.lowBound(site.name()));
            INDArray high = weights.get(QatSites.highBound(site.name()));
            if (low != null && high != null && plan.schemeFor(site).granularity() == Granularity.TENSOR) {
                learned.put(site.name(), Range.of(low.getDouble(0), high.getDouble(0)));
            }
        }
        return learned;
    }

    /** The ranges chosen by the pipeline's range-choosing methods (e.g. Token-Wise Clipping), by site. */
    private static Map<String, Range> chooseRanges(RunContext run, CalibrationData data) {
        Map<String, Range> chosen = new LinkedHashMap<>();
        for (PluginRef ref : run.config().suppression()) {
            OutlierSuppression method = run.registry().require(PluginKind.OUTLIER_SUPPRESSION, ref.id(), OutlierSuppression.class);
            method.chooseRanges(data.forMethod(ref.id()), ref.options()).ifPresent(ranges -> {
                run.events().log("calibrate: " + ref.id() + " chose the ranges of " + ranges.size() + " sites");
                run.report().row("suppression", Map.of("method", ref.id(), "hook", "ranges", "effect", ranges.size() + " sites"));
                chosen.putAll(ranges);
            });
        }
        return chosen;
    }

    @Override
    public void run(RunContext run, StageConfig config) throws Exception {
        run.ensureWeights();
        QuantizationPlan plan = QuantizationPlan.of(run.config(), run.registry());
        PluginRef estimatorRef = config.plugin("estimator");
        RangeEstimator estimator = run.registry().require(PluginKind.RANGE_ESTIMATOR, estimatorRef.id(), RangeEstimator.class);

        int batches = config.options().getInt("batches");
        List<Map<String, INDArray>> calibration = batches(run, batches, config.options().getInt("batch"));

        SiteRecorder recorder = new SiteRecorder(SiteInstrumentation.NONE);
        ModelGraph model = run.buildModel(recorder, false);
        Map<String, INDArray> trained = run.weights();
        boolean rewritten = rewrite(run, model, new ChannelStatistics(model, recorder, calibration));
        plan = plan.bind(recorder.sites().keySet());
        plan.placement().unmatched().forEach(run::warn);
        Map<String, QuantizationSite> sites = new LinkedHashMap<>();
        Map<String, String> variables = new LinkedHashMap<>();
        Map<String, RangeObserver> observers = new LinkedHashMap<>();
        for (Map.Entry<QuantizationSite, SDVariable> e : recorder.sites().entrySet()) {
            QuantizationSite site = e.getKey();
            if (!site.isWeight() && plan.selects(site)) {
                sites.put(site.name(), site);
                variables.put(site.name(), e.getValue().name());
                observers.put(site.name(), estimator.observer(plan.schemeFor(site), plan.quantizer(), estimatorRef.options()));
            }
        }

        List<String> fetch = new ArrayList<>(variables.values());
        fetch.add(model.output());
        // Methods that choose ranges need the batches again; keep them only when a method may ask.
        CalibrationData.Recorder kept = run.config().suppression().isEmpty() ? null : new CalibrationData.Recorder();
        for (int b = 0; b < batches; b++) {
            Map<String, INDArray> feeds = calibration.get(b);
            Map<String, INDArray> values = model.sd().output(feeds, fetch);
            if (kept != null) {
                kept.add(feeds, values.get(model.output()));
            }
            for (Map.Entry<String, String> site : variables.entrySet()) {
                INDArray x = values.get(site.getValue());
                if (x.isInfinite().any() || x.isNaN().any()) {
                    throw new IllegalStateException("calibration batch " + (b + 1) + " of " + batches + " has NaN or infinite values at site '"
                            + site.getKey() + "'");
                }
                observers.get(site.getKey()).observe(x);
            }
            run.events().emit("progress", Map.of("stage", name(), "step", b + 1, "steps", batches));
        }

        Map<String, Range> ranges = new LinkedHashMap<>();
        observers.forEach((site, observer) -> ranges.put(site, observer.range()));
        Map<String, Range> learned = config.options().getBoolean("learned_ranges") && !rewritten ? learnedRanges(trained, sites, plan) : Map.of();
        ranges.putAll(learned);
        CalibrationData data = kept == null ? null : new CalibrationData(run, plan, sites, ranges, model, variables, kept.feeds, kept.floatOutputs);
        if (data != null) {
            ranges.putAll(chooseRanges(run, data));
        }
        Map<String, Object> file = new LinkedHashMap<>();
        for (Map.Entry<String, Range> e : ranges.entrySet()) {
            QuantScheme scheme = plan.schemeFor(sites.get(e.getKey()));
            QuantParams params = plan.quantizer().params(scheme, e.getValue());
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("bits", scheme.bits());
            entry.put("granularity", scheme.granularity().name().toLowerCase());
            entry.put("min", e.getValue().min());
            entry.put("max", e.getValue().max());
            entry.put("scale", params.scale());
            entry.put("zero_point", params.zeroPoint());
            entry.put("source", learned.containsKey(e.getKey()) ? "qat" : estimatorRef.id());
            file.put(e.getKey(), entry);
        }
        if (data != null && !data.records().isEmpty()) {
            file.put("suppression", data.records()); // what range-choosing methods recorded, by method id
        }
        run.activationRanges(ranges);
        AtomicFiles.write(run.dir().resolve("calibration.json"), JSON.writeValueAsBytes(file));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("estimator", estimatorRef.id());
        summary.put("batches", batches);
        summary.put("sites", ranges.size());
        summary.put("learned_ranges", learned.size());
        summary.put("scheme", plan.activations().bits() + "-bit " + (plan.activations().symmetric() ? "symmetric" : "asymmetric")
                + " per " + plan.activations().granularity().name().toLowerCase());
        summary.put("sites_by_precision", plan.placement().summary());
        run.report().values("calibration", summary);
    }

    /**
     * The calibration batches of a run: windows of the training split drawn with a seed of their
     * own, so every stage that asks for the first {@code n} batches of a size gets the same ones.
     *
     * @param count     how many batches
     * @param batchSize windows per batch
     */
    static List<Map<String, INDArray>> batches(RunContext run, int count, int batchSize) {
        int seq = run.family().sequenceLength(run.config().model().options());
        TokenWindows windows = TokenWindows.of(run.corpus(), Split.TRAIN, seq + 1);
        Random random = new Random(run.config().seed() ^ CALIBRATION_STREAM);
        List<Map<String, INDArray>> batches = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            batches.add(run.family().batch(windows.random(batchSize, random),
                    run.config().model().options(), run.corpus().tokenizer().vocabSize(), false, random));
        }
        return batches;
    }
}
