package org.inlier.runtime.stages;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.Range;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.suppression.CalibrationContext;
import org.inlier.runtime.model.FakeQuantSites;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.quant.QuantizationPlan;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The calibration batches with every quantized site's captured values and the floating-point
 * output, offered to outlier-suppression methods that choose ranges (e.g. Token-Wise Clipping).
 * Candidate ranges are scored by the MSE of the quantized model's output against the float output.
 */
final class CalibrationData implements CalibrationContext {

    private final RunContext run;
    private final QuantizationPlan plan;
    private final Map<String, QuantizationSite> sites;
    private final Map<String, Range> estimated;
    private final List<Map<String, INDArray>> feeds;
    private final List<INDArray> floatOutputs;
    private final Map<String, List<INDArray>> samples;

    CalibrationData(RunContext run, QuantizationPlan plan, Map<String, QuantizationSite> sites, Map<String, Range> estimated,
                    List<Map<String, INDArray>> feeds, List<INDArray> floatOutputs, Map<String, List<INDArray>> samples) {
        this.run = run;
        this.plan = plan;
        this.sites = sites;
        this.estimated = estimated;
        this.feeds = feeds;
        this.floatOutputs = floatOutputs;
        this.samples = samples;
    }

    @Override
    public List<QuantizationSite> sites() {
        return List.copyOf(sites.values());
    }

    @Override
    public Map<String, Range> estimatedRanges() {
        return Map.copyOf(estimated);
    }

    @Override
    public List<INDArray> samples(String site) {
        List<INDArray> values = samples.get(site);
        if (values == null) {
            throw new IllegalArgumentException("no calibration samples for site '" + site + "'; sites: " + sites.keySet());
        }
        return values;
    }

    @Override
    public QuantParams params(String site, Range range) {
        return plan.quantizer().params(plan.schemeFor(sites.get(site)), range);
    }

    @Override
    public double outputError(Map<String, Range> ranges) {
        Map<String, QuantParams> params = new LinkedHashMap<>();
        ranges.forEach((site, range) -> params.put(site, params(site, range)));
        ModelGraph quantized = run.buildModel(new SiteRecorder(new FakeQuantSites(plan.quantizer(), params, false)), false);
        double sum = 0;
        long count = 0;
        for (int b = 0; b < feeds.size(); b++) {
            INDArray out = quantized.sd().output(feeds.get(b), quantized.output()).get(quantized.output());
            INDArray diff = out.sub(floatOutputs.get(b));
            sum += diff.mul(diff).sumNumber().doubleValue();
            count += diff.length();
        }
        return sum / count;
    }

    /** Collects the batches while calibration observes them. */
    static final class Recorder {
        final List<Map<String, INDArray>> feeds = new ArrayList<>();
        final List<INDArray> floatOutputs = new ArrayList<>();
        final Map<String, List<INDArray>> samples = new LinkedHashMap<>();

        void add(Map<String, INDArray> batchFeeds, INDArray floatOutput, Map<String, INDArray> siteValues) {
            feeds.add(batchFeeds);
            floatOutputs.add(floatOutput);
            siteValues.forEach((site, value) -> samples.computeIfAbsent(site, k -> new ArrayList<>()).add(value));
        }
    }
}
