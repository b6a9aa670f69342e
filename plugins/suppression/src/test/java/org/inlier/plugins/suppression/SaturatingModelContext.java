package org.inlier.plugins.suppression;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.site.QuantizationSite;
import java.util.function.UnaryOperator;
import org.inlier.api.suppression.CalibrationContext;
import org.inlier.api.suppression.OutputLossGraph;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.inlier.plugins.quantizers.UniformAffineQuantizer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A calibration context whose "model" reads each site through a saturating non-linearity: the
 * output error of some ranges is the mean over sites of {@code MSE(tanh(x̂ / 3), tanh(x / 3))},
 * with {@code x̂} the samples fake-quantized by the real uniform-affine quantizer. Like a
 * transformer after its LayerNorms, it barely notices how far a huge outlier is clipped, but
 * every ordinary value pays for a coarse grid. Estimated ranges are the samples' min-max.
 */
final class SaturatingModelContext implements CalibrationContext {

    private static final UniformAffineQuantizer QUANTIZER = new UniformAffineQuantizer();

    private final Map<QuantizationSite, List<INDArray>> samples;
    private final QuantScheme scheme;
    /** Every range map {@link #outputError} was asked to score, in order. */
    final List<Map<String, Range>> scored = new ArrayList<>();
    /** How many batches each call of {@link #outputError} asked for. */
    final List<Integer> scoredBatches = new ArrayList<>();
    /** Every row {@link #record} was given, by table. */
    final Map<String, List<Map<String, Object>>> records = new LinkedHashMap<>();
    /** Every line {@link #log} was given. */
    final List<String> log = new ArrayList<>();

    SaturatingModelContext(Map<QuantizationSite, List<INDArray>> samples, QuantScheme scheme) {
        this.samples = samples;
        this.scheme = scheme;
    }

    @Override
    public List<QuantizationSite> sites() {
        return List.copyOf(samples.keySet());
    }

    @Override
    public Map<String, Range> estimatedRanges() {
        Map<String, Range> ranges = new LinkedHashMap<>();
        samples.forEach((site, batches) -> ranges.put(site.name(), Range.of(
                batches.stream().mapToDouble(b -> b.minNumber().doubleValue()).min().orElseThrow(),
                batches.stream().mapToDouble(b -> b.maxNumber().doubleValue()).max().orElseThrow())));
        return ranges;
    }

    @Override
    public List<INDArray> samples(String site) {
        return samples.get(site(site));
    }

    @Override
    public void forEachBatch(Collection<String> sites, BatchVisitor visitor) {
        List<INDArray> masks = tokenMasks();
        for (int b = 0; b < masks.size(); b++) {
            Map<String, INDArray> values = new LinkedHashMap<>();
            for (String site : sites) {
                values.put(site, samples(site).get(b));
            }
            visitor.visit(b, values, masks.get(b));
        }
    }

    /** All ones: the samples have no padding. */
    @Override
    public List<INDArray> tokenMasks() {
        List<INDArray> first = samples.values().iterator().next();
        return first.stream().map(x -> Nd4j.ones(DataType.FLOAT, x.size(0), x.size(1))).toList();
    }

    @Override
    public OutputLossGraph outputLossGraph(Map<String, Range> ranges, Map<String, UnaryOperator<SDVariable>> learned) {
        throw new UnsupportedOperationException("the saturating model is no graph");
    }

    @Override
    public SDVariable learnableFakeQuantize(String site, SDVariable x, SDVariable scale, SDVariable zeroPoint) {
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

    @Override
    public QuantParams params(String site, Range range) {
        return QUANTIZER.params(scheme, range);
    }

    @Override
    public double outputError(Map<String, Range> ranges, int batches) {
        scored.add(Map.copyOf(ranges));
        scoredBatches.add(batches);
        return outputErrorOf(ranges, batches);
    }

    /** The output error of some ranges over all batches, without counting them as scored. */
    double outputErrorOf(Map<String, Range> ranges) {
        return outputErrorOf(ranges, Integer.MAX_VALUE);
    }

    private double outputErrorOf(Map<String, Range> ranges, int batches) {
        double sum = 0;
        for (Map.Entry<QuantizationSite, List<INDArray>> site : samples.entrySet()) {
            Range range = ranges.get(site.getKey().name());
            if (range == null) {
                throw new IllegalArgumentException("no range for site " + site.getKey().name());
            }
            List<INDArray> values = site.getValue();
            sum += siteError(values.subList(0, Math.min(batches, values.size())), params(site.getKey().name(), range));
        }
        return sum / samples.size();
    }

    private static double siteError(List<INDArray> batches, QuantParams params) {
        double squares = 0;
        long count = 0;
        for (INDArray x : batches) {
            INDArray diff = Transforms.tanh(QUANTIZER.fakeQuantize(x, params).div(3), false).sub(Transforms.tanh(x.div(3), false));
            squares += diff.mul(diff).sumNumber().doubleValue();
            count += diff.length();
        }
        return squares / count;
    }

    private QuantizationSite site(String name) {
        return samples.keySet().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no site " + name));
    }
}
