package org.inlier.api.suppression;

import java.util.List;
import java.util.Map;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.Range;
import org.inlier.api.site.QuantizationSite;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the calibrate stage offers an outlier-suppression method that chooses activation ranges.
 */
public interface CalibrationContext {

    /** The activation sites that carry quantizers, in graph order. */
    List<QuantizationSite> sites();

    /** The ranges the configured estimator chose, per site name. */
    Map<String, Range> estimatedRanges();

    /** The captured values of a site, one array per calibration batch. */
    List<INDArray> samples(String site);

    /** The parameters a range gives for a site under the configured scheme. */
    QuantParams params(String site, Range range);

    /**
     * The mean squared error between the quantized model's final output and the floating-point
     * output over the calibration batches, with activations quantized with these ranges.
     *
     * @param ranges a range for every site of {@link #sites()}
     */
    double outputError(Map<String, Range> ranges);
}
