package org.inlier.plugins.suppression;

import java.util.Arrays;
import org.inlier.api.model.NormLink;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves a per-channel scale {@code s} out of a LayerNorm's output into the layers that consume it,
 * leaving the floating-point model's function unchanged:
 * <pre>
 *   γ ← γ / s,   β ← β / s          the LayerNorm output becomes LN(x) / s
 *   W[i, :] ← s_i · W[i, :]          every consumer weight (D, out), row i = input channel i
 *   c ← s ⊙ c                        the post-LN shortcut scale, if the output feeds a shortcut
 * </pre>
 * since {@code (LN(x) / s) · diag(s) W = LN(x) W} and {@code (LN(x) / s) ⊙ (s ⊙ c) = LN(x) ⊙ c}.
 * The quantized tensor is the LayerNorm output, which shrinks by {@code s}. Gamma Migration is
 * {@code s = γ} (Wei et al. 2022: the LayerNorm becomes the non-scaling {@code n(x) + β/γ});
 * SmoothQuant is {@code s = max|X|^a / max|W|^(1−a)} (Xiao et al. 2023).
 *
 * <p>Variables are changed in place through the graph's arrays, trainable variables and
 * constants alike, in their own data types. Every shape is checked before anything changes, so a
 * link that does not fit leaves the graph as it was.
 */
final class ScaleMigration {

    private ScaleMigration() {
    }

    /**
     * Whether a scale can be migrated out of this LayerNorm: its output must feed at least one
     * weight or a shortcut. A LayerNorm whose output is only the model's output (the last
     * LayerNorm of an encoder) has nowhere to put the scale.
     */
    static boolean hasConsumers(NormLink link) {
        return !link.consumerWeights().isEmpty() || link.shortcutScale() != null;
    }

    /**
     * Migrates {@code s} out of the LayerNorm's output into its consumers, as in the class documentation.
     *
     * @param sd    the model's graph
     * @param link  the LayerNorm and its consumers
     * @param scale {@code s}, one non-zero factor per channel
     * @throws IllegalArgumentException if a variable of the link does not have {@code scale.length}
     *                                  channels (the message names it), or a factor is zero or not finite
     */
    static void apply(SameDiff sd, NormLink link, double[] scale) {
        int channels = scale.length;
        for (int i = 0; i < channels; i++) {
            if (scale[i] == 0 || !Double.isFinite(scale[i])) {
                throw new IllegalArgumentException("scale of channel " + i + " of " + link.outputSite() + " is " + scale[i]
                        + "; migration needs finite, non-zero factors");
            }
        }
        INDArray gamma = vector(sd, link.gamma(), channels);
        INDArray beta = vector(sd, link.beta(), channels);
        INDArray shortcut = link.shortcutScale() == null ? null : vector(sd, link.shortcutScale(), channels);
        INDArray[] weights = link.consumerWeights().stream().map(w -> inputRows(sd, w, channels)).toArray(INDArray[]::new);

        gamma.divi(factors(scale, gamma));
        beta.divi(factors(scale, beta));
        for (INDArray w : weights) {
            w.muliColumnVector(factors(scale, w).reshape(channels, 1)); // row i × s_i
        }
        if (shortcut != null) {
            shortcut.muli(factors(scale, shortcut));
        }
    }

    /** The array of a {@code (D)} variable. */
    private static INDArray vector(SameDiff sd, String name, int channels) {
        INDArray a = array(sd, name);
        if (a.rank() != 1 || a.length() != channels) {
            throw new IllegalArgumentException(name + " has shape " + Arrays.toString(a.shape()) + ", expected (" + channels + ")");
        }
        return a;
    }

    /**
     * The array of a consumer weight, checked to have one row per LayerNorm channel.
     *
     * @throws IllegalArgumentException naming the weight if it is not {@code (channels, out)}
     */
    static INDArray inputRows(SameDiff sd, String name, int channels) {
        INDArray a = array(sd, name);
        if (a.rank() != 2 || a.size(0) != channels) {
            throw new IllegalArgumentException("consumer weight " + name + " has shape " + Arrays.toString(a.shape())
                    + ", expected (" + channels + ", out): one row per LayerNorm channel");
        }
        return a;
    }

    private static INDArray array(SameDiff sd, String name) {
        if (!sd.hasVariable(name) || sd.getArrForVarName(name) == null) {
            throw new IllegalArgumentException("the graph has no variable " + name + " with a value");
        }
        return sd.getArrForVarName(name);
    }

    /** The factors in the data type of the array they scale. */
    private static INDArray factors(double[] scale, INDArray like) {
        return Nd4j.createFromArray(scale).castTo(like.dataType());
    }
}
