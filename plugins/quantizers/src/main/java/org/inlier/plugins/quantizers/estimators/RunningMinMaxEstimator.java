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
 * Range estimator {@value #ID}: an exponential moving average of each batch's minimum and
 * maximum, {@code r ← momentum · r + (1 − momentum) · batch}, initialised by the first batch.
 * The usual static activation estimator (momentum 0.9 over 16 batches in Bondarenko et al.).
 */
public final class RunningMinMaxEstimator implements RangeEstimator {

    /** The id pipeline files use. */
    public static final String ID = "running-min-max";

    /** Option: weight of the running value against the new batch. */
    public static final String MOMENTUM = "momentum";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Exponential moving average of each batch's minimum and maximum";
    }

    /** {@code momentum} in [0, 1): 1 itself would never move past the first batch. */
    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.number(MOMENTUM, 0.9, 0.0, Math.nextDown(1.0),
                "weight of the running range against each new batch, in [0, 1); 0 keeps only the last batch"));
    }

    @Override
    public RangeObserver observer(QuantScheme scheme, Quantizer quantizer, Options options) {
        return new Observer(scheme, options.getDouble(MOMENTUM));
    }

    private static final class Observer implements RangeObserver {

        private final QuantScheme scheme;
        private final double momentum;
        private double[] min;
        private double[] max;

        Observer(QuantScheme scheme, double momentum) {
            this.scheme = scheme;
            this.momentum = momentum;
        }

        @Override
        public void observe(INDArray x) {
            INDArray rows = ChannelRows.of(x, scheme);
            double[] batchMin = rows.min(1).toDoubleVector();
            double[] batchMax = rows.max(1).toDoubleVector();
            if (min == null) {
                min = batchMin;
                max = batchMax;
                return;
            }
            ChannelRows.requireSameCount(min.length, batchMin.length);
            for (int c = 0; c < min.length; c++) {
                min[c] = momentum * min[c] + (1 - momentum) * batchMin[c];
                max[c] = momentum * max[c] + (1 - momentum) * batchMax[c];
            }
        }

        @Override
        public Range range() {
            if (min == null) {
                throw new IllegalStateException("nothing was observed");
            }
            return new Range(min, max);
        }
    }
}
