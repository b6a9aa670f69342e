package org.inlier.runtime.stages;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.plugin.PluginKind;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.RangeEstimator;
import org.inlier.api.quant.RangeObserver;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.runtime.config.BlockOption;
import org.inlier.runtime.config.StageConfig;
import org.inlier.runtime.model.Checkpoint;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.quant.ProfileReader;
import org.inlier.runtime.quant.QuantizationPlan;
import org.inlier.runtime.report.Sections;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Freezes the quantizers: activation parameters from the calibrated ranges, weight parameters
 * from each weight's own min-max range (round-to-nearest), each site at its own precision under
 * the placement profile and, if asked, the sensitivity analysis; saves the integer weights with
 * every parameter to {@code quantized-<label>.zip} (e.g. {@code quantized-w8a8.zip}).
 */
public final class QuantizeStage implements Stage {

    /** Weight ranges are exact min-max of the weight itself (RTN), as in the papers' BERT setup. */
    private static final String WEIGHT_ESTIMATOR = "min-max";

    @Override
    public String name() {
        return "quantize";
    }

    @Override
    public String description() {
        return "freeze quantizers from calibrated ranges and quantize the weights";
    }

    @Override
    public List<OptionSpec> options() {
        return QuantizationPlan.OPTIONS;
    }

    @Override
    public Map<String, PluginSlot> pluginSlots() {
        return QuantizationPlan.SLOTS;
    }

    @Override
    public Map<String, BlockOption> blockOptions() {
        return Map.of("profile", (value, path, problems) -> ProfileReader.read(value, path, problems) != null);
    }

    @Override
    public void run(RunContext run, StageConfig config) {
        run.ensureWeights();
        SiteRecorder recorder = new SiteRecorder(SiteInstrumentation.NONE);
        ModelGraph model = run.buildModel(recorder, false);
        QuantizationPlan plan = QuantizationPlan.of(config, run.registry()).bind(recorder.sites().keySet());
        plan.placement().unmatched().forEach(run::warn);
        Map<String, QuantizationSite> sites = new LinkedHashMap<>();
        recorder.sites().keySet().stream().filter(plan::selects).forEach(site -> sites.put(site.name(), site));

        Map<String, QuantParams> params = new LinkedHashMap<>();
        for (QuantizationSite site : sites.values()) {
            QuantScheme scheme = plan.schemeFor(site);
            params.put(site.name(), site.isWeight() ? weightParams(run, plan, scheme, model.sd().getArrForVarName(recorder.sites().get(site).name()))
                    : activationParams(run, plan, scheme, site));
        }
        if (plan.sensitivity().keep() > 0) {
            SiteSensitivity.Outcome kept = SiteSensitivity.analyse(run, plan, model, recorder, params);
            plan = plan.withSchemes(kept.schemes());
            params.putAll(kept.params());
        }
        run.quantized(plan, params);

        Map<String, INDArray> integers = new LinkedHashMap<>();
        for (QuantizationSite site : sites.values()) {
            if (site.isWeight()) {
                integers.put(site.name(), plan.quantizer().quantize(model.sd().getArrForVarName(recorder.sites().get(site).name()),
                        params.get(site.name())).values());
            }
        }
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("label", plan.label());
        Map<String, Object> described = new LinkedHashMap<>();
        params.forEach((site, p) -> described.put(site, Map.of("bits", p.scheme().bits(), "symmetric", p.scheme().symmetric(),
                "granularity", p.scheme().granularity().name().toLowerCase(), "scale", p.scale(), "zero_point", p.zeroPoint())));
        state.put("sites", described);
        state.put("float_sites", plan.placement().inFloat());
        new Checkpoint(state, Map.of("int", integers, "float", run.weights())).save(run.dir().resolve(fileName(plan.label())));

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("precision", plan.label());
        summary.put("profile", plan.profile().name());
        summary.put("weight_sites", integers.size());
        summary.put("activation_sites", params.size() - integers.size());
        summary.put("weights", describe(plan.weights()));
        summary.put("activations", describe(plan.activations()));
        summary.put("sites_by_precision", plan.placement().summary());
        run.report().values("quantization", summary);
        reportSitePrecision(run, plan, sites);
    }

    /** The file a quantized model of this label is saved to in the run's folder, e.g. {@code quantized-w8a8.zip}. */
    static String fileName(String label) {
        return "quantized-" + label.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("-$", "") + ".zip";
    }

    /** RTN: the weight's own min-max range at the site's scheme. */
    static QuantParams weightParams(RunContext run, QuantizationPlan plan, QuantScheme scheme, INDArray w) {
        RangeEstimator weightRanges = run.registry().require(PluginKind.RANGE_ESTIMATOR, WEIGHT_ESTIMATOR, RangeEstimator.class);
        RangeObserver observer = weightRanges.observer(scheme, plan.quantizer(), Options.empty());
        observer.observe(w);
        return plan.quantizer().params(scheme, observer.range());
    }

    /** The calibrated range at the site's scheme; per-token schemes compute theirs on the fly. */
    private static QuantParams activationParams(RunContext run, QuantizationPlan plan, QuantScheme scheme, QuantizationSite site) {
        if (scheme.granularity() == Granularity.TOKEN) {
            return new QuantParams(scheme, new double[0], new long[0]);
        }
        Range range = run.activationRanges().get(site.name());
        if (range == null) {
            throw new IllegalStateException("no calibrated range for site '" + site.name() + "': put a calibrate stage before quantize");
        }
        return plan.quantizer().params(scheme, range);
    }

    /** One row per site the profile selects: its bits and granularity, or float. */
    private static void reportSitePrecision(RunContext run, QuantizationPlan plan, Map<String, QuantizationSite> sites) {
        for (QuantizationSite site : sites.values()) {
            QuantScheme s = plan.schemeFor(site);
            run.report().row(Sections.SITE_PRECISION, precisionRow(plan, site.name(), s.bits(), s.granularity().name().toLowerCase()));
        }
        for (String site : plan.placement().inFloat()) {
            run.report().row(Sections.SITE_PRECISION, precisionRow(plan, site, "float", "-"));
        }
    }

    private static Map<String, Object> precisionRow(QuantizationPlan plan, String site, Object bits, String granularity) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("precision", plan.label());
        row.put("site", site);
        row.put("bits", bits);
        row.put("granularity", granularity);
        return row;
    }

    private static String describe(QuantScheme s) {
        return s.bits() + "-bit " + (s.symmetric() ? "symmetric" : "asymmetric") + " per " + s.granularity().name().toLowerCase();
    }
}
