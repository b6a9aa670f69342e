package org.inlier.api.suppression;

import java.util.Collection;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What the calibrate stage offers an exact model rewrite: statistics of the model's activations on calibration data. */
public interface RewriteContext {

    /**
     * The per-channel maximum magnitude of activation sites over the calibration batches, computed
     * with the model as it is now (earlier rewrites included).
     *
     * @param sites activation site names
     * @return for each site, {@code max |x|} over every axis but the last, shape {@code (channels)}
     */
    Map<String, INDArray> channelAbsMax(Collection<String> sites);
}
