package org.inlier.runtime.stages;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.plugin.PluginKind;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.QuantizedTensor;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.RangeEstimator;
import org.inlier.api.quant.RangeObserver;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.runtime.config.StageConfig;
import org.inlier.runtime.model.Checkpoint;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.quant.QuantizationPlan;
import org.inlier.api.model.ModelGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Freezes the quantizers: activation parameters from the calibrated ranges, weight parameters
 * from each weight's own min-max range (round-to-nearest), and saves the integer weights with
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
    public void run(RunContext run, StageConfig config) {
        run.ensureWeights();
        QuantizationPlan plan = QuantizationPlan.of(config, run.registry());
        RangeEstimator weightRanges = run.registry().require(PluginKind.RANGE_ESTIMATOR, WEIGHT_ESTIMATOR, RangeEstimator.class);
        SiteRecorder recorder = new SiteRecorder(SiteInstrumentation.NONE);
        ModelGraph model = run.buildModel(recorder, false);

        Map<String, QuantParams> params = new LinkedHashMap<>();
        Map<String, INDArray> integers = new LinkedHashMap<>();
        int activationSites = 0;
        for (QuantizationSite site : recorder.sites().keySet()) {
            if (!plan.profile().selects(site)) {
                continue;
            }
            QuantScheme scheme = plan.schemeFor(site);
            if (site.isWeight()) {
                INDArray w = model.sd().getArrForVarName(recorder.sites().get(site).name());
                RangeObserver observer = weightRanges.observer(scheme, plan.quantizer(), Options.empty());
                observer.observe(w);
                QuantParams p = plan.quantizer().params(scheme, observer.range());
                QuantizedTensor q = plan.quantizer().quantize(w, p);
                params.put(site.name(), p);
                integers.put(site.name(), q.values());
            } else if (scheme.granularity() == Granularity.TOKEN) {
                params.put(site.name(), new QuantParams(scheme, new double[0], new long[0]));
                activationSites++;
            } else {
                Range range = run.activationRanges().get(site.name());
                if (range == null) {
                    throw new IllegalStateException("no calibrated range for site '" + site.name() + "': put a calibrate stage before quantize");
                }
                params.put(site.name(), plan.quantizer().params(scheme, range));
                activationSites++;
            }
        }
        run.quantized(plan, params);

        Map<String, Object> state = new LinkedHashMap<>();
        state.put("label", plan.label());
        Map<String, Object> described = new LinkedHashMap<>();
        params.forEach((site, p) -> described.put(site, Map.of("bits", p.scheme().bits(), "symmetric", p.scheme().symmetric(),
                "granularity", p.scheme().granularity().name().toLowerCase(), "scale", p.scale(), "zero_point", p.zeroPoint())));
        state.put("sites", described);
        String file = "quantized-" + plan.label().toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("-$", "") + ".zip";
        new Checkpoint(state, Map.of("int", integers, "float", run.weights())).save(run.dir().resolve(file));
        run.report().values("quantization", Map.of("precision", plan.label(), "profile", plan.profile().name(),
                "weight_sites", integers.size(), "activation_sites", activationSites,
                "weights", describe(plan.weights()), "activations", describe(plan.activations())));
    }

    private static String describe(QuantScheme s) {
        return s.bits() + "-bit " + (s.symmetric() ? "symmetric" : "asymmetric") + " per " + s.granularity().name().toLowerCase();
    }
}
