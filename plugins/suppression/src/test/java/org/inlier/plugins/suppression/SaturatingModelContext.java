package org.inlier.plugins.suppression;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.suppression.CalibrationContext;
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
    public QuantParams params(String site, Range range) {
        return QUANTIZER.params(scheme, range);
    }

    @Override
    public double outputError(Map<String, Range> ranges) {
        scored.add(Map.copyOf(ranges));
        double sum = 0;
        for (Map.Entry<QuantizationSite, List<INDArray>> site : samples.entrySet()) {
            Range range = ranges.get(site.getKey().name());
            if (range == null) {
                throw new IllegalArgumentException("no range for site " + site.getKey().name());
            }
            sum += siteError(site.getValue(), params(site.getKey().name(), range));
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
