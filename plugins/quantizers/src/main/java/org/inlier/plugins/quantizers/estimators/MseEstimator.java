package org.inlier.plugins.quantizers.estimators;

import java.util.Arrays;
import java.util.List;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Quantizer;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.RangeEstimator;
import org.inlier.api.quant.RangeObserver;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Range estimator {@value #ID}: a grid search over clipping ranges for the one that minimises the
 * Lp norm of the fake-quantization error on the observed data.
 *
 * <p>The candidates are the exact min-max range {@code [min, max]} shrunk towards 0 by the
 * factors {@code i / N}, {@code i = N … 1} ({@code N} = option {@code candidates}):
 * {@code [f·min, f·max]}. Min and max shrink together by the same factor, for asymmetric schemes
 * too, so the grid stays one-dimensional; for symmetric schemes this is shrinking absmax. Each
 * candidate is turned into parameters and applied by the quantizer the range is meant for, and
 * scored by {@code Σ|x̂ − x|^p} (the p-th power of the Lp norm, same minimiser); on a tie the
 * wider range wins. Per-channel schemes choose a factor per channel; per-token schemes fall back
 * to one per-tensor range.
 *
 * <p>The error is measured on the bounded sample of {@link ChannelSamples} (option
 * {@code max-samples}); the min-max range that the candidates shrink is exact over all values.
 */
public final class MseEstimator implements RangeEstimator {

    /** The id pipeline files use. */
    public static final String ID = "mse";

    /** Option: number of candidate ranges. */
    public static final String CANDIDATES = "candidates";

    /** Option: the norm's exponent (2 = mean squared error). */
    public static final String P = "p";

    /** Option: values kept per observer. */
    public static final String MAX_SAMPLES = ChannelSamples.MAX_SAMPLES;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Grid search for the clipping range with the least Lp quantization error";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.integer(CANDIDATES, 100, 2, 1000, "number of candidate ranges: the min-max range scaled by i/N, i = N..1"),
                OptionSpec.number(P, 2.0, 1.0, 4.0, "exponent of the Lp norm of the quantization error (2 = MSE)"),
                ChannelSamples.MAX_SAMPLES_OPTION);
    }

    @Override
    public RangeObserver observer(QuantScheme scheme, Quantizer quantizer, Options options) {
        return new Observer(scheme, quantizer, options.getInt(CANDIDATES), options.getDouble(P), new ChannelSamples(options));
    }

    private static final class Observer implements RangeObserver {

        private final QuantScheme scheme;
        private final Quantizer quantizer;
        private final int candidates;
        private final double p;
        private final ChannelSamples samples;
        private final Extrema extrema = new Extrema();

        Observer(QuantScheme scheme, Quantizer quantizer, int candidates, double p, ChannelSamples samples) {
            this.scheme = scheme;
            this.quantizer = quantizer;
            this.candidates = candidates;
            this.p = p;
            this.samples = samples;
        }

        @Override
        public void observe(INDArray x) {
            INDArray rows = ChannelRows.of(x, scheme);
            extrema.include(rows);
            samples.add(rows);
        }

        @Override
        public Range range() {
            Range full = extrema.range();
            float[][] values = samples.values();
            INDArray data = Nd4j.createFromArray(values);
            // The sample is laid out [channels, n], so per-channel parameters go along axis 0.
            QuantScheme rowScheme = new QuantScheme(scheme.bits(), scheme.symmetric(),
                    ChannelRows.perChannel(scheme) ? Granularity.CHANNEL : Granularity.TENSOR, 0, scheme.grid());
            int channels = full.min().length;
            double[] bestError = new double[channels];
            double[] bestFactor = new double[channels];
            Arrays.fill(bestError, Double.POSITIVE_INFINITY);
            for (int i = candidates; i >= 1; i--) {
                double factor = (double) i / candidates;
                INDArray quantized = quantizer.fakeQuantize(data, quantizer.params(rowScheme, scaled(full, factor)));
                // The error is summed in plain Java: ND4J's DOUBLE casts and pow made this loop 15 times slower.
                float[][] approximations = quantized.castTo(DataType.FLOAT).toFloatMatrix();
                for (int c = 0; c < channels; c++) {
                    double error = lpError(approximations[c], values[c]);
                    if (error < bestError[c]) {
                        bestError[c] = error;
                        bestFactor[c] = factor;
                    }
                }
            }
            return scaled(full, bestFactor);
        }

        /** {@code Σ|x̂ − x|^p}, with the common exponents 1 and 2 spared {@code Math.pow}. */
        private double lpError(float[] approximations, float[] values) {
            double sum = 0;
            for (int k = 0; k < values.length; k++) {
                double e = Math.abs((double) approximations[k] - values[k]);
                sum += p == 2 ? e * e : p == 1 ? e : Math.pow(e, p);
            }
            return sum;
        }

        private static Range scaled(Range range, double factor) {
            double[] factors = new double[range.min().length];
            Arrays.fill(factors, factor);
            return scaled(range, factors);
        }

        private static Range scaled(Range range, double[] factors) {
            double[] min = range.min().clone();
            double[] max = range.max().clone();
            for (int c = 0; c < min.length; c++) {
                min[c] *= factors[c];
                max[c] *= factors[c];
            }
            return new Range(min, max);
        }
    }
}
