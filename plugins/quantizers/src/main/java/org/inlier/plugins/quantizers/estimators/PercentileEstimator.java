package org.inlier.plugins.quantizers.estimators;

import java.util.Arrays;
import java.util.List;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Quantizer;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.RangeEstimator;
import org.inlier.api.quant.RangeObserver;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Range estimator {@value #ID}: the two-sided percentile range {@code [P(100 − p), P(p)]} of
 * everything observed, with numpy's linear interpolation, per tensor or per channel.
 *
 * <p>Memory is bounded by option {@code max-samples}: exact over every value up to that many,
 * then over a uniform random sample of that size with a fixed seed (see {@link ChannelSamples}).
 */
public final class PercentileEstimator implements RangeEstimator {

    /** The id pipeline files use. */
    public static final String ID = "percentile";

    /** Option: the upper percentile p; the lower bound is the (100 − p)-th percentile. */
    public static final String PERCENTILE = "percentile";

    /** Option: values kept per observer. */
    public static final String MAX_SAMPLES = ChannelSamples.MAX_SAMPLES;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Two-sided percentile range with linear interpolation";
    }

    /** {@code percentile} in (50, 100] (at 50 both bounds would meet at the median), and {@code max-samples}. */
    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.number(PERCENTILE, 99.99, Math.nextUp(50.0), 100.0,
                        "upper percentile p in (50, 100]; the lower bound is the (100 - p)-th percentile"),
                ChannelSamples.MAX_SAMPLES_OPTION);
    }

    @Override
    public RangeObserver observer(QuantScheme scheme, Quantizer quantizer, Options options) {
        double upper = options.getDouble(PERCENTILE);
        ChannelSamples samples = new ChannelSamples(options);
        return new RangeObserver() {
            @Override
            public void observe(INDArray x) {
                samples.add(ChannelRows.of(x, scheme));
            }

            @Override
            public Range range() {
                float[][] values = samples.values();
                double[] min = new double[values.length];
                double[] max = new double[values.length];
                for (int c = 0; c < values.length; c++) {
                    float[] sorted = values[c];
                    Arrays.sort(sorted);
                    min[c] = Percentile.linear(sorted, 100.0 - upper);
                    max[c] = Percentile.linear(sorted, upper);
                }
                return new Range(min, max);
            }
        };
    }
}
