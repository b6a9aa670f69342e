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
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.RangeEstimator;
import org.inlier.api.quant.RangeObserver;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.api.suppression.OutlierSuppression;
import org.inlier.api.suppression.RewriteContext;
import org.inlier.runtime.config.PluginRef;
import org.inlier.runtime.config.StageConfig;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.quant.QuantizationPlan;
import org.inlier.runtime.store.AtomicFiles;
import org.inlier.runtime.train.TokenWindows;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs calibration batches from the training split through the floating-point model with a
 * range observer at every activation site the quantization plan selects, and saves the ranges
 * to {@code calibration.json}.
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
                OptionSpec.integer("batch", 16, 1, 4096, "windows per calibration batch"));
    }

    @Override
    public Map<String, PluginSlot> pluginSlots() {
        return Map.of("estimator", new PluginSlot(PluginKind.RANGE_ESTIMATOR, "min-max"));
    }

    /** Applies the pipeline's exact model rewrites (e.g. Gamma Migration) and keeps the rewritten weights. */
    private static void rewrite(RunContext run, ModelGraph model, RewriteContext statistics) {
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

        int seq = run.family().sequenceLength(run.config().model().options());
        TokenWindows windows = TokenWindows.of(run.corpus(), Split.TRAIN, seq + 1);
        Random random = new Random(run.config().seed() ^ CALIBRATION_STREAM);
        int batches = config.options().getInt("batches");
        List<Map<String, INDArray>> calibration = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            calibration.add(run.family().batch(windows.random(config.options().getInt("batch"), random),
                    run.config().model().options(), run.corpus().tokenizer().vocabSize(), false, random));
        }

        SiteRecorder recorder = new SiteRecorder(SiteInstrumentation.NONE);
        ModelGraph model = run.buildModel(recorder, false);
        rewrite(run, model, new ChannelStatistics(model, recorder, calibration));
        Map<String, QuantizationSite> sites = new LinkedHashMap<>();
        Map<String, String> variables = new LinkedHashMap<>();
        Map<String, RangeObserver> observers = new LinkedHashMap<>();
        for (Map.Entry<QuantizationSite, SDVariable> e : recorder.sites().entrySet()) {
            QuantizationSite site = e.getKey();
            if (!site.isWeight() && plan.profile().selects(site)) {
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
                    throw new IllegalStateException("calibration batch " + (b + 1) + " has NaN or infinite values at site '"
                            + site.getKey() + "'");
                }
                observers.get(site.getKey()).observe(x);
            }
            run.events().emit("progress", Map.of("stage", name(), "step", b + 1, "steps", batches));
        }

        Map<String, Range> ranges = new LinkedHashMap<>();
        observers.forEach((site, observer) -> ranges.put(site, observer.range()));
        CalibrationData data = kept == null ? null : new CalibrationData(run, plan, sites, ranges, model, variables, kept.feeds, kept.floatOutputs);
        if (data != null) {
            ranges.putAll(chooseRanges(run, data));
        }
        Map<String, Object> file = new LinkedHashMap<>();
        ranges.forEach((site, range) -> {
            QuantParams params = plan.quantizer().params(plan.schemeFor(sites.get(site)), range);
            file.put(site, Map.of("min", range.min(), "max", range.max(), "scale", params.scale(), "zero_point", params.zeroPoint()));
        });
        if (data != null && !data.records().isEmpty()) {
            file.put("suppression", data.records()); // what range-choosing methods recorded, by method id
        }
        run.activationRanges(ranges);
        AtomicFiles.write(run.dir().resolve("calibration.json"), JSON.writeValueAsBytes(file));
        run.report().values("calibration", Map.of("estimator", estimatorRef.id(), "batches", batches, "sites", ranges.size(),
                "scheme", plan.activations().bits() + "-bit " + (plan.activations().symmetric() ? "symmetric" : "asymmetric")
                        + " per " + plan.activations().granularity().name().toLowerCase()));
    }
}
