package org.inlier.api.backend;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A model a backend compiled with {@link ModelExecution#compile}, fed and fetched by variable name. */
public interface CompiledModel extends AutoCloseable {

    /**
     * Runs the model on one batch.
     *
     * @param feeds the model's placeholders by name, as {@link org.inlier.api.model.ModelFamily#batch} makes them
     * @return the outputs named at compilation, by name
     */
    Map<String, INDArray> run(Map<String, INDArray> feeds);

    /** What runs the model, for the log and the report (e.g. {@code ONNX Runtime 1.20.0, 412 QDQ nodes}). */
    String description();

    /** Releases what the backend holds for the model; never throws checked exceptions. */
    @Override
    void close();
}
