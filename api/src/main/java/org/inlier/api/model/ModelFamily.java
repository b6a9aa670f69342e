package org.inlier.api.model;

import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.inlier.api.plugin.Options;
import org.inlier.api.plugin.Plugin;
import org.inlier.api.plugin.PluginKind;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A kind of model (causal decoder, masked-LM encoder, ...) that builds its graph, declaring
 * every quantization site, and turns token windows into the placeholders of a batch.
 */
public interface ModelFamily extends Plugin {

    @Override
    default PluginKind kind() {
        return PluginKind.MODEL_FAMILY;
    }

    /**
     * Builds a freshly initialised model.
     *
     * @param spec what to build; the family calls {@code spec.sites()} at every quantization site
     * @return the graph; never {@code null}
     * @throws IllegalArgumentException if the options are inconsistent (e.g. hidden not divisible by heads),
     *                                  with a message saying what is wrong
     */
    ModelGraph build(ModelSpec spec);

    /**
     * The number of tokens per training or evaluation window this model takes.
     *
     * @param options the family's validated options
     */
    int sequenceLength(Options options);

    /**
     * Builds the placeholder values of one batch from token windows.
     *
     * @param windows  {@code (B, T + 1)} token ids; a causal model predicts window[t + 1] from window[..t]
     * @param options   the family's validated options
     * @param vocabSize the data set's vocabulary size (random replacement tokens are drawn below it)
     * @param training whether the batch is for training (families that mask tokens randomise only then)
     * @param random   the source of randomness for masking
     * @return placeholder name to value, covering every entry of {@link ModelGraph#placeholders()}
     */
    Map<String, INDArray> batch(int[][] windows, Options options, int vocabSize, boolean training, Random random);

    /**
     * The patch layout of an image model, for reports that show per-token measurements on the
     * image; empty for models of text (the default).
     *
     * @param options the family's validated options
     */
    default Optional<PatchGrid> patchGrid(Options options) {
        return Optional.empty();
    }
}
