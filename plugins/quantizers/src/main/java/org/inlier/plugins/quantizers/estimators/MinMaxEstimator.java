package org.inlier.plugins.quantizers.estimators;

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
 * Range estimator {@value #ID}: the smallest and largest value over every observed batch, per
 * tensor or per channel.
 */
public final class MinMaxEstimator implements RangeEstimator {

    /** The id pipeline files use. */
    public static final String ID = "min-max";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Minimum and maximum over all observed values";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    @Override
    public RangeObserver observer(QuantScheme scheme, Quantizer quantizer, Options options) {
        Extrema extrema = new Extrema();
        return new RangeObserver() {
            @Override
            public void observe(INDArray x) {
                extrema.include(ChannelRows.of(x, scheme));
            }

            @Override
            public Range range() {
                return extrema.range();
            }
        };
    }
}
