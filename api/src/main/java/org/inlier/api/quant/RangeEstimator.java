package org.inlier.api.quant;

import org.inlier.api.plugin.Options;
import org.inlier.api.plugin.Plugin;
import org.inlier.api.plugin.PluginKind;

/** A way of choosing clipping ranges from calibration data: min-max, percentile, MSE, ... */
public interface RangeEstimator extends Plugin {

    @Override
    default PluginKind kind() {
        return PluginKind.RANGE_ESTIMATOR;
    }

    /**
     * A fresh observer for one tensor.
     *
     * @param scheme    the scheme the range is for (per-channel schemes get per-channel ranges)
     * @param quantizer the quantizer the range will be used with (error-minimising estimators try candidates with it)
     * @param options   this estimator's validated options
     * @return a new observer; never {@code null}
     */
    RangeObserver observer(QuantScheme scheme, Quantizer quantizer, Options options);
}
