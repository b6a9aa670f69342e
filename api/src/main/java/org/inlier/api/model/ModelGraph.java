package org.inlier.api.model;

import java.util.List;
import java.util.Objects;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * A built model: its SameDiff graph and the names of the variables the stages need.
 *
 * @param sd           the graph, with trainable variables initialised
 * @param placeholders the placeholders a batch must feed, in the order {@link ModelFamily#batch} fills them
 * @param loss         the scalar training loss
 * @param output       the model's main output (logits, or the last hidden state of an encoder)
 * @param norms        every LayerNorm with the weights that consume its output
 */
public record ModelGraph(SameDiff sd, List<String> placeholders, String loss, String output, List<NormLink> norms) {

    /**
     * The name of the scalar a classifier defines as the fraction of its batch classified
     * correctly; evaluation reports it as accuracy wherever the graph has it.
     */
    public static final String ACCURACY = "accuracy";

    /**
     * The name of the feed a family that pads its windows marks real tokens with: {@code (B, T)},
     * 1 for a token, 0 for padding. Pooling and losses over tokens leave padding out by it.
     */
    public static final String PADDING_MASK = "attention_mask";

    public ModelGraph {
        Objects.requireNonNull(sd, "sd");
        placeholders = List.copyOf(placeholders);
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(output, "output");
        norms = List.copyOf(norms);
    }
}
