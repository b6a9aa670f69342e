package org.inlier.runtime.stages;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.inlier.api.data.Split;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.api.site.SiteKind;
import org.inlier.runtime.config.StageConfig;
import org.inlier.runtime.metrics.OutlierMetrics;
import org.inlier.runtime.model.FakeQuantSites;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.quant.QuantizationPlan;
import org.inlier.runtime.train.TokenWindows;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Measures perplexity on the held-out test split in floating point and, after a quantize stage,
 * with the frozen quantizers; and the papers' outlier metrics of the floating-point model.
 */
public final class EvaluateStage implements Stage {

    /** Where the papers take their headline outlier metrics. */
    static final Set<SiteKind> HEADLINE_SITES = EnumSet.of(SiteKind.FFN_OUTPUT, SiteKind.LAYERNORM_OUTPUT);

    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String description() {
        return "perplexity FP vs quantized on the test split, and outlier metrics";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.integer("batches", 32, 1, 1_000_000, "evaluation batches (capped by the test split's size)"),
                OptionSpec.integer("batch", 16, 1, 4096, "windows per batch"));
    }

    @Override
    public Map<String, PluginSlot> pluginSlots() {
        return Map.of();
    }

    @Override
    public void run(RunContext run, StageConfig config) {
        if (!run.hasWeights()) {
            throw new IllegalStateException("evaluate needs a model: put a train stage before it");
        }
        int seq = run.family().sequenceLength(run.config().model().options());
        TokenWindows windows = new TokenWindows(run.corpus().tokens(Split.TEST), seq + 1);
        int batch = config.options().getInt("batch");
        int batches = Math.min(config.options().getInt("batches"), windows.count() / batch);
        if (batches == 0) {
            throw new IllegalStateException("the test split holds " + windows.count() + " windows, fewer than one batch of " + batch);
        }

        if (!run.floatEvaluated()) {
            evaluateFloat(run, windows, batch, batches);
        }
        if (run.quantizedWith() != null) {
            QuantizationPlan plan = run.quantizedWith();
            ModelGraph quantized = run.buildModel(new SiteRecorder(new FakeQuantSites(plan.quantizer(), run.quantParams(), false)), false);
            double qLoss = meanLoss(run, quantized, windows, batch, batches, Map.of(), Map.of());
            run.report().row("quality", row(plan.label(), qLoss));
        }
    }

    /** Floating-point perplexity and the outlier metrics at every activation site. */
    private void evaluateFloat(RunContext run, TokenWindows windows, int batch, int batches) {
        SiteRecorder fp = new SiteRecorder(SiteInstrumentation.NONE);
        ModelGraph fpModel = run.buildModel(fp, false);
        Map<String, OutlierMetrics> outliers = new LinkedHashMap<>();
        Map<String, String> fetch = new LinkedHashMap<>();
        for (Map.Entry<QuantizationSite, SDVariable> e : fp.sites().entrySet()) {
            if (!e.getKey().isWeight()) {
                outliers.put(e.getKey().name(), new OutlierMetrics());
                fetch.put(e.getKey().name(), e.getValue().name());
            }
        }
        double fpLoss = meanLoss(run, fpModel, windows, batch, batches, fetch, outliers);
        run.report().row("quality", row("FP32", fpLoss));

        reportOutliers(run, fp, outliers);
        run.markFloatEvaluated();
    }

    private double meanLoss(RunContext run, ModelGraph model, TokenWindows windows, int batch, int batches,
                            Map<String, String> fetch, Map<String, OutlierMetrics> outliers) {
        List<String> outputs = new ArrayList<>(fetch.values());
        outputs.add(model.loss());
        double sum = 0;
        for (int b = 0; b < batches; b++) {
            Map<String, INDArray> feeds = run.family().batch(windows.sequential(b * batch, batch), run.config().model().options(),
                    run.corpus().tokenizer().vocabSize(), false, new Random(b));
            Map<String, INDArray> values = model.sd().output(feeds, outputs);
            sum += values.get(model.loss()).getDouble(0);
            fetch.forEach((site, variable) -> outliers.get(site).add(values.get(variable)));
        }
        return sum / batches;
    }

    private static Map<String, Object> row(String precision, double loss) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("precision", precision);
        row.put("loss", loss);
        row.put("perplexity", Math.exp(loss));
        return row;
    }

    private static void reportOutliers(RunContext run, SiteRecorder fp, Map<String, OutlierMetrics> outliers) {
        double maxInfNorm = 0;
        double kurtosisSum = 0;
        int headline = 0;
        for (QuantizationSite site : fp.sites().keySet()) {
            OutlierMetrics m = outliers.get(site.name());
            if (m == null) {
                continue;
            }
            if (HEADLINE_SITES.contains(site.kind())) {
                maxInfNorm = Math.max(maxInfNorm, m.meanInfNorm());
                kurtosisSum += m.meanKurtosis();
                headline++;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("site", site.name());
            row.put("inf_norm", m.meanInfNorm());
            row.put("kurtosis", m.meanKurtosis());
            row.put("max_abs", m.maxAbs());
            run.report().row("outliers per site", row);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("max_inf_norm", maxInfNorm);
        summary.put("avg_kurtosis", headline == 0 ? Double.NaN : kurtosisSum / headline);
        summary.put("over", "FFN outputs and LayerNorm outputs (" + headline + " sites), per sequence, mean over test sequences");
        run.report().values("outliers", summary);
    }
}
