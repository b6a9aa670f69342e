package org.inlier.api.backend;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A quantized model loaded onto a backend that executes it itself (integer kernels, another
 * runtime) rather than simulating quantization in ND4J: what the evaluate stage measures beside
 * the simulation.
 */
public interface QuantizedRunner {

    /**
     * The model's output on one batch, as the family's graph would give it.
     *
     * @param feeds the family's placeholders for the batch (token ids, padding mask, targets)
     * @return logits {@code (B, T, V)} of a language model, or the last hidden state {@code (B, T, D)} of an encoder
     */
    INDArray output(Map<String, INDArray> feeds);

    /**
     * The family's training loss of an output, as its graph defines it (mean next-token
     * cross-entropy in nats for a causal LM), or {@code NaN} when the family has none.
     *
     * @param feeds  the batch's placeholders
     * @param output what {@link #output} returned for them
     */
    double loss(Map<String, INDArray> feeds, INDArray output);

    /** Bytes the loaded model's parameters occupy in memory. */
    long parameterBytes();

    /** One line for the log and the report: what runs in integers, on which kernel. */
    String description();
}
