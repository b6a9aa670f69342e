package org.inlier.runtime.stages;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.site.QuantizationSite;
import org.inlier.runtime.metrics.Sqnr;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.model.SwitchedFakeQuantSites;
import org.inlier.runtime.quant.QuantizationPlan;
import org.inlier.runtime.report.Sections;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sensitivity-guided mixed precision (beyond the papers; issue 5): every quantized site that can
 * be promoted is ranked by the error of the model's final output against the floating-point
 * output when only that site is quantized, and the worst {@code k} are kept at 16 bits or per token.
 *
 * <p>The measurements run with {@linkplain SwitchedFakeQuantSites switched} fake quantization,
 * so the model is built twice, not once per site: one graph ranks the sites ({@code sites × batches}
 * forward passes), one with the kept sites' promoted quantizers beside their own measures the
 * trade-off ({@code (k + 1) × batches}); the floating-point outputs come from one pass per batch on
 * the stage's own float graph. The MSE and the SQNR of
 * the output rank the sites alike (the same signal power divides every site's error); both are reported.
 */
final class SiteSensitivity {

    /** Windows per batch when the pipeline has no calibrate stage to take the size from. */
    private static final int DEFAULT_BATCH = 16;

    /**
     * The kept sites' new schemes and parameters.
     *
     * @param schemes by site name
     * @param params  by site name
     */
    record Outcome(Map<String, QuantScheme> schemes, Map<String, QuantParams> params) {
    }

    private final RunContext run;
    private final List<Map<String, INDArray>> batches;
    private final List<INDArray> floatOutputs = new ArrayList<>();

    private SiteSensitivity(RunContext run, List<Map<String, INDArray>> batches) {
        this.run = run;
        this.batches = batches;
    }

    /**
     * Ranks the sites, reports the ranking and the bits/quality trade-off, and returns the kept sites.
     *
     * @param plan    the bound plan; its sensitivity option says how many sites to keep and as what
     * @param model   the floating-point model the stage built, with the current weights
     * @param sites   its sites and their floating-point variables
     * @param params  every quantized site's parameters under the profile
     */
    static Outcome analyse(RunContext run, QuantizationPlan plan, ModelGraph model, SiteRecorder sites, Map<String, QuantParams> params) {
        QuantizationPlan.Sensitivity option = plan.sensitivity();
        int batchSize = run.config().stage("calibrate").map(c -> c.options().getInt("batch")).orElse(DEFAULT_BATCH);
        SiteSensitivity analysis = new SiteSensitivity(run, CalibrateStage.batches(run, option.batches(), batchSize));

        Map<String, QuantizationSite> candidates = new LinkedHashMap<>();
        Map<String, Long> elements = new LinkedHashMap<>();
        Map<String, String> activationVariables = new LinkedHashMap<>();
        Set<String> weights = new HashSet<>();
        for (Map.Entry<QuantizationSite, SDVariable> e : sites.sites().entrySet()) {
            QuantizationSite site = e.getKey();
            QuantParams p = params.get(site.name());
            if (p == null) {
                continue;
            }
            if (option.canPromote(site, p.scheme())) {
                candidates.put(site.name(), site);
            }
            if (site.isWeight()) {
                weights.add(site.name());
                elements.put(site.name(), e.getValue().getArr().length());
            } else {
                activationVariables.put(site.name(), e.getValue().name());
            }
        }
        Map<String, Range> observed = analysis.floatPass(model, activationVariables, elements);

        List<Ranked> ranking = analysis.rank(analysis.switched(plan, params, Map.of()), candidates.keySet());
        int keep = Math.min(option.keep(), ranking.size());
        List<String> kept = ranking.subList(0, keep).stream().map(Ranked::site).toList();
        for (int i = 0; i < ranking.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("rank", i + 1);
            row.put("site", ranking.get(i).site());
            row.put("output_mse", ranking.get(i).error().mse());
            row.put("output_sqnr_db", ranking.get(i).error().sqnrDb());
            row.put("kept_as", i < keep ? option.as() : "-");
            run.report().row(Sections.SITE_SENSITIVITY, row);
        }

        Map<String, QuantScheme> schemes = new LinkedHashMap<>();
        Map<String, QuantParams> keptParams = new LinkedHashMap<>();
        for (String name : kept) {
            QuantizationSite site = candidates.get(name);
            QuantScheme scheme = option.promote(params.get(name).scheme());
            schemes.put(name, scheme);
            keptParams.put(name, site.isWeight()
                    ? QuantizeStage.weightParams(run, plan, scheme, sites.sites().get(site).getArr())
                    : scheme.granularity() == Granularity.TOKEN ? new QuantParams(scheme, new double[0], new long[0])
                    : plan.quantizer().params(scheme, widest(run.activationRanges().get(name), observed.get(name))));
        }
        analysis.tradeOff(plan, analysis.switched(plan, params, keptParams), kept, schemes, elements, weights);

        run.events().log("quantize: sensitivity of " + candidates.size() + " sites on " + analysis.batches.size() + " batches: "
                + (candidates.size() + keep + 1) * analysis.batches.size() + " forward passes of two graphs (ranking, trade-off); kept at "
                + option.as() + (keep < option.keep() ? " (only " + keep + " can be)" : "") + ": " + (kept.isEmpty() ? "none" : String.join(", ", kept)));
        return new Outcome(schemes, keptParams);
    }

    /**
     * A promoted site's range at 16 bits: the calibrated range widened to the min-max observed here,
     * since a range an estimator clipped for fewer bits would keep its clipping error, while at 16
     * bits a wider range costs next to nothing.
     */
    private static Range widest(Range calibrated, Range observed) {
        if (calibrated == null || !calibrated.perTensor()) {
            return observed;
        }
        return Range.of(Math.min(calibrated.min()[0], observed.min()[0]), Math.max(calibrated.max()[0], observed.max()[0]));
    }

    /** The candidates, each quantized alone, by the output error they cause, largest first. */
    private List<Ranked> rank(Switched graph, Set<String> candidates) {
        List<Ranked> ranking = new ArrayList<>();
        for (String site : candidates) {
            ranking.add(new Ranked(site, error(graph, Set.of(site), Set.of())));
            run.events().emit("progress", Map.of("stage", "quantize", "step", ranking.size(), "steps", candidates.size()));
        }
        ranking.sort(Comparator.comparingDouble((Ranked r) -> r.error().mse()).reversed());
        return ranking;
    }

    /**
     * The floating-point outputs of every batch, the min-max range of each activation site and its
     * element count per batch.
     */
    private Map<String, Range> floatPass(ModelGraph model, Map<String, String> activationVariables, Map<String, Long> elements) {
        List<String> fetch = new ArrayList<>(activationVariables.values());
        fetch.add(model.output());
        Map<String, double[]> minMax = new LinkedHashMap<>();
        for (Map<String, INDArray> feeds : batches) {
            Map<String, INDArray> values = model.sd().output(feeds, fetch);
            floatOutputs.add(values.get(model.output()));
            activationVariables.forEach((site, variable) -> {
                INDArray x = values.get(variable);
                double[] m = minMax.computeIfAbsent(site, k -> new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
                m[0] = Math.min(m[0], x.minNumber().doubleValue());
                m[1] = Math.max(m[1], x.maxNumber().doubleValue());
                elements.putIfAbsent(site, x.length());
            });
        }
        Map<String, Range> ranges = new LinkedHashMap<>();
        minMax.forEach((site, m) -> ranges.put(site, Range.of(m[0], m[1])));
        return ranges;
    }

    /**
     * The whole quantized model's output error with the worst {@code j} sites kept, for every
     * {@code j} up to {@code kept.size()}, and the mean bits over weight and activation elements.
     */
    private void tradeOff(QuantizationPlan plan, Switched graph, List<String> kept,
                          Map<String, QuantScheme> promotedSchemes, Map<String, Long> elements, Set<String> weights) {
        Map<String, QuantParams> params = graph.params();
        for (int j = 0; j <= kept.size(); j++) {
            Set<String> promoted = new HashSet<>(kept.subList(0, j));
            Set<String> base = new HashSet<>(params.keySet());
            base.removeAll(promoted);
            OutputError error = error(graph, base, promoted);
            double[] bitSums = new double[2];
            long[] counts = new long[2];
            for (Map.Entry<String, QuantParams> e : params.entrySet()) {
                int kind = weights.contains(e.getKey()) ? 0 : 1;
                int bits = promoted.contains(e.getKey()) ? promotedSchemes.get(e.getKey()).bits() : e.getValue().scheme().bits();
                bitSums[kind] += (double) bits * elements.get(e.getKey());
                counts[kind] += elements.get(e.getKey());
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("precision", plan.label());
            row.put("kept", j);
            row.put("site", j == 0 ? "-" : kept.get(j - 1));
            row.put("output_mse", error.mse());
            row.put("output_sqnr_db", error.sqnrDb());
            row.put("weight_bits", counts[0] == 0 ? Double.NaN : bitSums[0] / counts[0]);
            row.put("activation_bits", counts[1] == 0 ? Double.NaN : bitSums[1] / counts[1]);
            run.report().row(Sections.SENSITIVITY_TRADE_OFF, row);
        }
    }

    /**
     * The model built once with every quantized site switchable, and the kept sites' alternative
     * (promoted) quantizers switchable beside theirs.
     */
    private Switched switched(QuantizationPlan plan, Map<String, QuantParams> params, Map<String, QuantParams> alternatives) {
        SwitchedFakeQuantSites switches = new SwitchedFakeQuantSites(plan.quantizer(), params, alternatives);
        ModelGraph model = run.buildModel(new SiteRecorder(switches), false);
        switches.quantizeWeights(model.sd());
        return new Switched(model, switches, params);
    }

    /** A model with switchable fake quantization, and the parameters its switches quantize with. */
    private record Switched(ModelGraph model, SwitchedFakeQuantSites switches, Map<String, QuantParams> params) {
    }

    /** The output error, over every batch, with these sites quantized (with their parameters, or the promoted ones). */
    private OutputError error(Switched graph, Set<String> quantized, Set<String> promoted) {
        Map<String, INDArray> switchFeeds = graph.switches().feeds(quantized, promoted);
        ModelGraph switchedModel = graph.model();
        Sqnr sqnr = new Sqnr();
        double squares = 0;
        long count = 0;
        for (int b = 0; b < batches.size(); b++) {
            Map<String, INDArray> feeds = new LinkedHashMap<>(batches.get(b));
            feeds.putAll(switchFeeds);
            INDArray out = switchedModel.sd().output(feeds, switchedModel.output()).get(switchedModel.output());
            INDArray diff = out.sub(floatOutputs.get(b));
            squares += diff.mul(diff).sumNumber().doubleValue();
            count += diff.length();
            sqnr.add(floatOutputs.get(b), out);
        }
        return new OutputError(squares / count, sqnr.decibels());
    }

    /** A model output's error against floating point: mean squared error and SQNR in dB. */
    record OutputError(double mse, double sqnrDb) {
    }

    /** One site's rank key: the output error with only it quantized. */
    private record Ranked(String site, OutputError error) {
    }
}
