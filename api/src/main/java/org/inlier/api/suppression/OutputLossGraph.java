package org.inlier.api.suppression;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The quantized model with a loss, built by {@link CalibrationContext#outputLossGraph}.
 *
 * @param sd    the graph, holding the caller's trainable variables beside the model's
 * @param loss  the name of the scalar loss: the output error of the batch fed, padding excluded
 * @param feeds the placeholders of every calibration batch, the floating-point output and the
 *              padding weights included; pass one to {@code sd.output} or {@code sd.calculateGradients}
 */
public record OutputLossGraph(SameDiff sd, String loss, List<Map<String, INDArray>> feeds) {

    public OutputLossGraph {
        Objects.requireNonNull(sd, "sd");
        Objects.requireNonNull(loss, "loss");
        feeds = List.copyOf(feeds);
    }
}
