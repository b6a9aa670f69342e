package org.inlier.api.suppression;

import java.util.Map;
import java.util.Optional;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.plugin.Options;
import org.inlier.api.plugin.Plugin;
import org.inlier.api.plugin.PluginKind;
import org.inlier.api.quant.Range;
import org.inlier.api.site.QuantizationSite;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * A method that makes a model easier to quantize. It acts at one or more points of the
 * pipeline; each hook answers "nothing to do" unless the method acts there.
 */
public interface OutlierSuppression extends Plugin {

    @Override
    default PluginKind kind() {
        return PluginKind.OUTLIER_SUPPRESSION;
    }

    /**
     * A term added to the training loss, e.g. kurtosis regularisation.
     *
     * @param sites   every activation site of the graph with its (pre-quantization) variable
     * @param options this method's validated options
     * @return a scalar variable, or empty if the method adds no loss term
     */
    Optional<SDVariable> lossTerm(Map<QuantizationSite, SDVariable> sites, Options options);

    /**
     * Rewrites a trained model before calibration, e.g. Gamma Migration. The rewrite changes
     * variable values in place and must leave the floating-point output unchanged.
     *
     * @param model   the model with its trained weights
     * @param context activation statistics on calibration data, for rewrites whose scale depends on them
     * @param options this method's validated options
     * @return a line for the report describing what changed, or empty if the method does not rewrite
     */
    Optional<String> rewrite(ModelGraph model, RewriteContext context, Options options);

    /**
     * Chooses activation ranges from calibration data, e.g. Token-Wise Clipping.
     *
     * @param context calibration data and a way to score candidate ranges
     * @param options this method's validated options
     * @return a range per site name, or empty if the method leaves ranges to the estimator
     */
    Optional<Map<String, Range>> chooseRanges(CalibrationContext context, Options options);
}
