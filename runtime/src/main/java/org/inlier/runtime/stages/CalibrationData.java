package org.inlier.runtime.stages;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.inlier.api.model.ModelGraph;
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
import org.inlier.api.suppression.CalibrationContext;
import org.inlier.api.suppression.OutputLossGraph;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.quant.QuantizationPlan;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The calibration batches with every quantized site's captured values and the floating-point
 * output, offered to outlier-suppression methods that choose ranges (e.g. Token-Wise Clipping)
 * through {@link #forMethod}.
 *
 * <p><b>Scoring.</b> Candidate ranges are scored on a quantized graph built once: each per-tensor
 * activation site is fake-quantized with its scale and zero-point fed as placeholders
 * ({@link org.inlier.api.quant.Quantizer#fakeQuantize(SDVariable, SDVariable, SDVariable, QuantScheme, boolean)}),
 * the weights the profile selects are replaced by their fake-quantized values (min-max ranges, as
 * the quantize stage computes them), and the graph ends in the output error. A call is then one
 * forward pass per batch. A quantizer that takes no parameters from the graph falls back to
 * rebuilding the model for every call.
 *
 * <p><b>Padding.</b> Families that pad feed {@value ModelGraph#PADDING_MASK} {@code (B, T)}, 1 = token,
 * 0 = padding (as {@code EvaluateStage} reads it); padding positions are left out of the output
 * error, and methods get the mask to leave them out of their statistics.
 */
final class CalibrationData {

    /** Placeholders and the loss the runtime adds to the quantized graph. */
    private static final String REFERENCE = "calibration.float_output";
    private static final String WEIGHTS = "calibration.token_weights";
    private static final String LOSS = "calibration.output_error";

    /** Weight ranges are exact min-max of the weight itself, as {@code QuantizeStage} computes them. */
    private static final String WEIGHT_ESTIMATOR = "min-max";

    private final RunContext run;
    private final QuantizationPlan plan;
    private final Map<String, QuantizationSite> sites;
    private final Map<String, Range> estimated;
    private final List<Map<String, INDArray>> feeds;
    private final List<INDArray> floatOutputs;
    /** The floating-point model the batches ran through, and each site's variable in it. */
    private final ModelGraph floatModel;
    private final Map<String, String> variables;
    private final List<INDArray> masks = new ArrayList<>();
    /** Per batch: the output's shape with 1 at real tokens and 0 at padding, and their count. */
    private final List<INDArray> tokenWeights = new ArrayList<>();
    private final List<Double> tokenCounts = new ArrayList<>();
    private final Map<String, Map<String, List<Map<String, Object>>>> records = new LinkedHashMap<>();

    private Scoring scoring;
    private boolean rebuildToScore;

    /**
     * @param run          the run
     * @param plan         how the model will be quantized
     * @param sites        the quantized activation sites, by name
     * @param estimated    the estimator's range of each site
     * @param floatModel   the floating-point model (rewrites applied) the batches ran through
     * @param variables    each site's variable in {@code floatModel}
     * @param feeds        the calibration batches
     * @param floatOutputs the floating-point output of each batch
     */
    CalibrationData(RunContext run, QuantizationPlan plan, Map<String, QuantizationSite> sites, Map<String, Range> estimated,
                    ModelGraph floatModel, Map<String, String> variables, List<Map<String, INDArray>> feeds, List<INDArray> floatOutputs) {
        this.run = run;
        this.plan = plan;
        this.sites = sites;
        this.estimated = new LinkedHashMap<>(estimated);
        this.floatModel = floatModel;
        this.variables = variables;
        this.feeds = feeds;
        this.floatOutputs = floatOutputs;
        for (int b = 0; b < feeds.size(); b++) {
            INDArray output = floatOutputs.get(b);
            INDArray mask = tokenMask(feeds.get(b), output);
            masks.add(mask);
            long[] axes = new long[output.rank()]; // (B, T, 1, …): the mask broadcast over the output's other axes
            Arrays.fill(axes, 1);
            axes[0] = mask.size(0);
            axes[1] = mask.size(1);
            INDArray weights = mask.castTo(output.dataType()).reshape(axes).broadcast(output.shape());
            tokenWeights.add(weights);
            tokenCounts.add(weights.sumNumber().doubleValue());
        }
    }

    /** The batch's padding mask, or all ones when the family feeds none (or one that does not fit the output). */
    private static INDArray tokenMask(Map<String, INDArray> feeds, INDArray output) {
        INDArray mask = feeds.get(ModelGraph.PADDING_MASK);
        if (output.rank() < 2) {
            throw new IllegalStateException("the model's output has rank " + output.rank() + "; calibration needs (B, T, ...)");
        }
        if (mask != null && mask.rank() == 2 && mask.size(0) == output.size(0) && mask.size(1) == output.size(1)) {
            return mask.castTo(DataType.FLOAT);
        }
        return Nd4j.ones(DataType.FLOAT, output.size(0), output.size(1));
    }

    /** The context one method sees: the shared data, with the method's own records. */
    CalibrationContext forMethod(String methodId) {
        return new MethodContext(methodId);
    }

    /** What the methods recorded: method id to table name to rows. */
    Map<String, Map<String, List<Map<String, Object>>>> records() {
        return records;
    }

    /** The output error over the first batches of a graph that ends in {@link #LOSS}, with extra feeds per call. */
    private double outputError(SameDiff sd, Map<String, INDArray> extra, int batches) {
        double sum = 0;
        double count = 0;
        for (int b = 0; b < Math.min(batches, feeds.size()); b++) {
            Map<String, INDArray> batch = batchFeeds(b);
            batch.putAll(extra);
            double loss = sd.output(batch, LOSS).get(LOSS).getDouble(0);
            sum += loss * tokenCounts.get(b);
            count += tokenCounts.get(b);
        }
        return sum / count;
    }

    /** A batch's placeholders with the float output and the token weights the loss needs. */
    private Map<String, INDArray> batchFeeds(int b) {
        Map<String, INDArray> batch = new LinkedHashMap<>(feeds.get(b));
        batch.put(REFERENCE, floatOutputs.get(b));
        batch.put(WEIGHTS, tokenWeights.get(b));
        return batch;
    }

    /**
     * Builds the quantized model: activation sites through {@code activation}, selected weights
     * fake-quantized in place, and the output error of a batch as {@link #LOSS}.
     */
    private ModelGraph build(BiFunction<QuantizationSite, SDVariable, SDVariable> activation) {
        Map<QuantizationSite, SDVariable> weights = new LinkedHashMap<>();
        SiteInstrumentation quantized = new SiteInstrumentation() {
            @Override
            public SDVariable activation(QuantizationSite site, SDVariable x) {
                return sites.containsKey(site.name()) ? activation.apply(site, x) : x;
            }

            @Override
            public SDVariable weight(QuantizationSite site, SDVariable w) {
                if (plan.profile().selects(site)) {
                    weights.put(site, w);
                }
                return w;
            }
        };
        ModelGraph model = run.buildModel(new SiteRecorder(quantized), false);
        quantizeWeights(weights);
        SameDiff sd = model.sd();
        SDVariable output = sd.getVariable(model.output());
        long[] shape = floatOutputs.get(0).shape().clone();
        shape[0] = -1;
        SDVariable reference = sd.placeHolder(REFERENCE, output.dataType(), shape);
        SDVariable tokens = sd.placeHolder(WEIGHTS, output.dataType(), shape);
        SDVariable error = output.sub(reference);
        error.mul(error).mul(tokens).sum().div(tokens.sum()).rename(LOSS);
        sd.setLossVariables(LOSS);
        return model;
    }

    /**
     * Replaces each selected weight by its fake-quantized value, with the parameters the quantize
     * stage computes. In place: the weight variables of every family feed only their site.
     */
    private void quantizeWeights(Map<QuantizationSite, SDVariable> weights) {
        RangeEstimator minMax = run.registry().require(PluginKind.RANGE_ESTIMATOR, WEIGHT_ESTIMATOR, RangeEstimator.class);
        for (Map.Entry<QuantizationSite, SDVariable> e : weights.entrySet()) {
            SDVariable w = e.getValue();
            if (w.getVariableType() != VariableType.VARIABLE && w.getVariableType() != VariableType.CONSTANT) {
                throw new IllegalStateException("weight site '" + e.getKey().name() + "' is computed in the graph ("
                        + w.getVariableType() + "); calibration quantizes weights held as variables or constants");
            }
            QuantScheme scheme = plan.schemeFor(e.getKey());
            INDArray value = w.getArr();
            RangeObserver observer = minMax.observer(scheme, plan.quantizer(), Options.empty());
            observer.observe(value);
            w.setArray(plan.quantizer().fakeQuantize(value, plan.quantizer().params(scheme, observer.range())));
        }
    }

    /** The range of a site among the given ones, or an error naming it. */
    private static Range rangeOf(Map<String, Range> ranges, String site) {
        Range range = ranges.get(site);
        if (range == null) {
            throw new IllegalArgumentException("no range for site '" + site + "'");
        }
        return range;
    }

    private QuantParams paramsOf(String site, Range range) {
        return plan.quantizer().params(plan.schemeFor(sites.get(site)), range);
    }

    /** Fake quantization with frozen parameters from a range; per-token sites compute their own. */
    private SDVariable frozen(QuantizationSite site, SDVariable x, Map<String, Range> ranges) {
        QuantScheme scheme = plan.schemeFor(site);
        Range range = scheme.granularity() == Granularity.TOKEN ? Range.of(0, 0) : rangeOf(ranges, site.name());
        return plan.quantizer().fakeQuantize(x, plan.quantizer().params(scheme, range), false);
    }

    /** The quantized graph for scoring ranges, built on first use: per-tensor sites read scale and zero-point from placeholders. */
    private final class Scoring {
        final SameDiff sd;
        /** Site name to its scale and zero-point placeholders. */
        final Map<String, SDVariable[]> parameters = new LinkedHashMap<>();

        Scoring() {
            this.sd = build((site, x) -> {
                QuantScheme scheme = plan.schemeFor(site);
                if (scheme.granularity() != Granularity.TENSOR) {
                    return frozen(site, x, Map.of());
                }
                SameDiff graph = x.getSameDiff();
                SDVariable scale = graph.placeHolder(site.name() + ".calibration.scale", x.dataType());
                SDVariable zeroPoint = graph.placeHolder(site.name() + ".calibration.zero_point", x.dataType());
                parameters.put(site.name(), new SDVariable[] {scale, zeroPoint});
                return plan.quantizer().fakeQuantize(x, scale, zeroPoint, scheme, false);
            }).sd();
        }

        double outputError(Map<String, Range> ranges, int batches) {
            Map<String, INDArray> fed = new LinkedHashMap<>();
            parameters.forEach((site, placeholders) -> {
                QuantParams p = paramsOf(site, rangeOf(ranges, site));
                fed.put(placeholders[0].name(), Nd4j.scalar(placeholders[0].dataType(), p.scale()[0]));
                fed.put(placeholders[1].name(), Nd4j.scalar(placeholders[1].dataType(), (double) p.zeroPoint()[0]));
            });
            return CalibrationData.this.outputError(sd, fed, batches);
        }
    }

    /** The context of one method. */
    private final class MethodContext implements CalibrationContext {

        private final String method;

        MethodContext(String method) {
            this.method = method;
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
            List<INDArray> values = new ArrayList<>();
            forEachBatch(List.of(site), (b, batch, mask) -> values.add(batch.get(site)));
            return values;
        }

        @Override
        public void forEachBatch(Collection<String> names, BatchVisitor visitor) {
            List<String> fetch = new ArrayList<>();
            for (String site : names) {
                String variable = variables.get(site);
                if (variable == null || !sites.containsKey(site)) {
                    throw new IllegalArgumentException("no quantized activation site '" + site + "'; sites: " + sites.keySet());
                }
                fetch.add(variable);
            }
            for (int b = 0; b < feeds.size(); b++) {
                Map<String, INDArray> computed = floatModel.sd().output(feeds.get(b), fetch);
                Map<String, INDArray> values = new LinkedHashMap<>();
                for (String site : names) {
                    values.put(site, computed.get(variables.get(site)));
                }
                visitor.visit(b, values, masks.get(b));
            }
        }

        @Override
        public List<INDArray> tokenMasks() {
            return List.copyOf(masks);
        }

        @Override
        public QuantParams params(String site, Range range) {
            return paramsOf(site, range);
        }

        @Override
        public double outputError(Map<String, Range> ranges, int batches) {
            if (batches < 1) {
                throw new IllegalArgumentException("batches must be positive, got " + batches);
            }
            for (String site : sites.keySet()) {
                if (plan.schemeFor(sites.get(site)).granularity() != Granularity.TOKEN) {
                    rangeOf(ranges, site);
                }
            }
            if (scoring == null && !rebuildToScore) {
                try {
                    scoring = new Scoring();
                } catch (UnsupportedOperationException e) {
                    run.events().log("calibrate: " + e.getMessage() + "; the model is rebuilt for every candidate");
                    rebuildToScore = true;
                }
            }
            if (scoring != null) {
                return scoring.outputError(ranges, batches);
            }
            return CalibrationData.this.outputError(build((site, x) -> frozen(site, x, ranges)).sd(), Map.of(), batches);
        }

        @Override
        public OutputLossGraph outputLossGraph(Map<String, Range> ranges, Map<String, UnaryOperator<SDVariable>> learned) {
            for (String site : learned.keySet()) {
                if (!sites.containsKey(site)) {
                    throw new IllegalArgumentException("no quantized activation site '" + site + "'; sites: " + sites.keySet());
                }
            }
            ModelGraph model = build((site, x) -> {
                UnaryOperator<SDVariable> own = learned.get(site.name());
                return own != null ? own.apply(x) : frozen(site, x, ranges);
            });
            List<Map<String, INDArray>> batches = new ArrayList<>();
            for (int b = 0; b < feeds.size(); b++) {
                batches.add(batchFeeds(b));
            }
            return new OutputLossGraph(model.sd(), LOSS, batches);
        }

        @Override
        public SDVariable learnableFakeQuantize(String site, SDVariable x, SDVariable scale, SDVariable zeroPoint) {
            QuantizationSite s = sites.get(site);
            if (s == null) {
                throw new IllegalArgumentException("no quantized activation site '" + site + "'");
            }
            return plan.quantizer().fakeQuantize(x, scale, zeroPoint, plan.schemeFor(s), true);
        }

        @Override
        public void record(String table, Map<String, Object> row) {
            records.computeIfAbsent(method, k -> new LinkedHashMap<>()).computeIfAbsent(table, k -> new ArrayList<>())
                    .add(new LinkedHashMap<>(row));
            run.report().row(method + ": " + table, row);
        }

        @Override
        public void log(String line) {
            run.events().log("calibrate: " + method + ": " + line);
        }
    }

    /** Collects the batches and their floating-point outputs while calibration observes them (not the site values: too large to keep). */
    static final class Recorder {
        final List<Map<String, INDArray>> feeds = new ArrayList<>();
        final List<INDArray> floatOutputs = new ArrayList<>();

        void add(Map<String, INDArray> batchFeeds, INDArray floatOutput) {
            feeds.add(batchFeeds);
            floatOutputs.add(floatOutput);
        }
    }
}
