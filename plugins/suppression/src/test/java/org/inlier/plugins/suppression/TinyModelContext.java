package org.inlier.plugins.suppression;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.api.suppression.CalibrationContext;
import org.inlier.api.suppression.OutputLossGraph;
import org.inlier.plugins.models.PostLnEncoder;
import org.inlier.plugins.quantizers.UniformAffineQuantizer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A calibration context on a real small model: the post-LN {@link TinyModels#headlessEncoder}
 * (what {@code bert-onnx} builds), with an outlier planted in hidden dimension 3 of the first
 * position's embedding (as BERT's [CLS] carries one; the other embeddings are ~ N(0, 0.02²)), calibrated on
 * padded batches of random sentences. Every activation site is quantized under one scheme by the
 * real uniform-affine quantizer; weights stay in float. The output error is the masked MSE of the
 * last hidden state, as the calibrate stage defines it; the model is rebuilt for every call.
 */
final class TinyModelContext implements CalibrationContext {

    private static final UniformAffineQuantizer QUANTIZER = new UniformAffineQuantizer();
    private static final String REFERENCE = "reference";
    private static final String WEIGHTS = "token_weights";
    private static final String LOSS = "output_error";

    private final QuantScheme scheme;
    private final double outlier;
    private final List<Map<String, INDArray>> batches = new ArrayList<>();
    private final List<INDArray> floatOutputs = new ArrayList<>();
    private final List<INDArray> tokenWeights = new ArrayList<>();
    private final Map<String, QuantizationSite> sites = new LinkedHashMap<>();
    private final Map<String, List<INDArray>> samples = new LinkedHashMap<>();
    /** Every row {@link #record} was given, by table. */
    final Map<String, List<Map<String, Object>>> records = new LinkedHashMap<>();
    /** Every line {@link #log} was given. */
    final List<String> log = new ArrayList<>();

    /**
     * @param scheme  the activation scheme of every site
     * @param outlier the planted value
     * @param batches how many calibration batches of 6 sentences
     */
    TinyModelContext(QuantScheme scheme, double outlier, int batches) {
        this.scheme = scheme;
        this.outlier = outlier;
        Map<String, String> variables = new LinkedHashMap<>();
        ModelGraph model = build(new SiteInstrumentation() {
            @Override
            public SDVariable activation(QuantizationSite site, SDVariable x) {
                sites.put(site.name(), site);
                variables.put(site.name(), x.name());
                return x;
            }

            @Override
            public SDVariable weight(QuantizationSite site, SDVariable w) {
                return w;
            }
        });
        for (int b = 0; b < batches; b++) {
            Map<String, INDArray> feeds = TinyModels.paddedBatch(6, 100 + b);
            List<String> fetch = new ArrayList<>(variables.values());
            fetch.add(model.output());
            Map<String, INDArray> values = model.sd().output(feeds, fetch);
            this.batches.add(feeds);
            INDArray output = values.get(model.output()).dup();
            floatOutputs.add(output);
            INDArray mask = feeds.get(PostLnEncoder.ATTENTION_MASK);
            tokenWeights.add(mask.reshape(mask.size(0), mask.size(1), 1).broadcast(output.shape()));
            variables.forEach((site, variable) -> samples.computeIfAbsent(site, k -> new ArrayList<>()).add(values.get(variable).dup()));
        }
    }

    /** The encoder with the outlier planted, the given instrumentation at its sites, and the masked output error as {@code LOSS}. */
    private ModelGraph build(SiteInstrumentation instrumentation) {
        ModelGraph model = TinyModels.headlessEncoder(instrumentation);
        SameDiff sd = model.sd();
        sd.getArrForVarName("embed.position.weight").putScalar(0, 3, outlier);
        SDVariable output = sd.getVariable(model.output());
        SDVariable reference = sd.placeHolder(REFERENCE, output.dataType(), -1, TinyModels.SEQ, TinyModels.HIDDEN);
        SDVariable weights = sd.placeHolder(WEIGHTS, output.dataType(), -1, TinyModels.SEQ, TinyModels.HIDDEN);
        SDVariable error = output.sub(reference);
        error.mul(error).mul(weights).sum().div(weights.sum()).rename(LOSS);
        return model;
    }

    private Map<String, INDArray> feeds(int b) {
        Map<String, INDArray> feeds = new LinkedHashMap<>(batches.get(b));
        feeds.put(REFERENCE, floatOutputs.get(b));
        feeds.put(WEIGHTS, tokenWeights.get(b));
        return feeds;
    }

    /** Quantizes each site by {@code quantize}, given the site's name and tensor. */
    private static SiteInstrumentation quantizing(java.util.function.BiFunction<String, SDVariable, SDVariable> quantize) {
        return new SiteInstrumentation() {
            @Override
            public SDVariable activation(QuantizationSite site, SDVariable x) {
                return quantize.apply(site.name(), x);
            }

            @Override
            public SDVariable weight(QuantizationSite site, SDVariable w) {
                return w;
            }
        };
    }

    private SDVariable frozen(String site, SDVariable x, Map<String, Range> ranges) {
        Range range = ranges.get(site);
        if (range == null) {
            throw new IllegalArgumentException("no range for site " + site);
        }
        return QUANTIZER.fakeQuantize(x, params(site, range), false);
    }

    @Override
    public List<QuantizationSite> sites() {
        return List.copyOf(sites.values());
    }

    @Override
    public Map<String, Range> estimatedRanges() {
        Map<String, Range> ranges = new LinkedHashMap<>();
        samples.forEach((site, values) -> ranges.put(site, Range.of(
                values.stream().mapToDouble(v -> v.minNumber().doubleValue()).min().orElseThrow(),
                values.stream().mapToDouble(v -> v.maxNumber().doubleValue()).max().orElseThrow())));
        return ranges;
    }

    @Override
    public List<INDArray> samples(String site) {
        return samples.get(site);
    }

    @Override
    public void forEachBatch(Collection<String> sites, BatchVisitor visitor) {
        List<INDArray> masks = tokenMasks();
        for (int b = 0; b < masks.size(); b++) {
            Map<String, INDArray> values = new LinkedHashMap<>();
            for (String site : sites) {
                values.put(site, samples.get(site).get(b));
            }
            visitor.visit(b, values, masks.get(b));
        }
    }

    @Override
    public List<INDArray> tokenMasks() {
        return batches.stream().map(b -> b.get(PostLnEncoder.ATTENTION_MASK)).toList();
    }

    @Override
    public QuantParams params(String site, Range range) {
        return QUANTIZER.params(scheme, range);
    }

    @Override
    public double outputError(Map<String, Range> ranges, int first) {
        ModelGraph model = build(quantizing((site, x) -> frozen(site, x, ranges)));
        double sum = 0;
        double count = 0;
        for (int b = 0; b < Math.min(first, batches.size()); b++) {
            double tokens = tokenWeights.get(b).sumNumber().doubleValue();
            sum += model.sd().output(feeds(b), LOSS).get(LOSS).getDouble(0) * tokens;
            count += tokens;
        }
        return sum / count;
    }

    @Override
    public OutputLossGraph outputLossGraph(Map<String, Range> ranges, Map<String, UnaryOperator<SDVariable>> learned) {
        ModelGraph model = build(quantizing((site, x) -> learned.containsKey(site) ? learned.get(site).apply(x) : frozen(site, x, ranges)));
        List<Map<String, INDArray>> feeds = new ArrayList<>();
        for (int b = 0; b < batches.size(); b++) {
            feeds.add(feeds(b));
        }
        model.sd().setLossVariables(LOSS);
        return new OutputLossGraph(model.sd(), LOSS, feeds);
    }

    @Override
    public SDVariable learnableFakeQuantize(String site, SDVariable x, SDVariable scale, SDVariable zeroPoint) {
        if (scheme.granularity() != Granularity.TENSOR) {
            throw new IllegalArgumentException("per-tensor schemes only");
        }
        return QUANTIZER.fakeQuantize(x, scale, zeroPoint, scheme, true);
    }

    @Override
    public void log(String line) {
        log.add(line);
    }

    @Override
    public void record(String table, Map<String, Object> row) {
        records.computeIfAbsent(table, k -> new ArrayList<>()).add(Map.copyOf(row));
    }
}
