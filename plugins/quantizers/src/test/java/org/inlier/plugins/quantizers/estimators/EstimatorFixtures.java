package org.inlier.plugins.quantizers.estimators;

import java.util.Map;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.RangeEstimator;
import org.inlier.api.quant.RangeObserver;
import org.inlier.api.quant.SymmetricGrid;
import org.inlier.plugins.quantizers.UniformAffineQuantizer;

/** Observers with options filled in as the runtime would, and the schemes the tests use. */
final class EstimatorFixtures {

    static final QuantScheme PER_TENSOR = QuantScheme.asymmetricPerTensor(8);

    private EstimatorFixtures() {
    }

    static QuantScheme perChannel(int axis) {
        return new QuantScheme(8, true, Granularity.CHANNEL, axis, SymmetricGrid.RESTRICTED);
    }

    static QuantScheme perToken() {
        return new QuantScheme(8, false, Granularity.TOKEN, 0, SymmetricGrid.RESTRICTED);
    }

    static RangeObserver observer(RangeEstimator estimator, QuantScheme scheme, Map<String, ?> options) {
        return estimator.observer(scheme, new UniformAffineQuantizer(), Options.withDefaults(estimator.options(), options));
    }
}
