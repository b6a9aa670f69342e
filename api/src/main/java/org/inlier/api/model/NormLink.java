package org.inlier.api.model;

import java.util.List;
import java.util.Objects;

/**
 * How a LayerNorm's output is consumed, so that exact rewrites such as Gamma Migration can
 * fold its scale γ into the consumers without knowing the model family.
 *
 * @param outputSite        the activation site of the LayerNorm output
 * @param gamma             the graph variable of γ, shape {@code (D)}
 * @param beta              the graph variable of β, shape {@code (D)}
 * @param consumerWeights   weight variables {@code (D, out)} that take the LayerNorm output as input (rows = inputs)
 * @param shortcutScale     in post-LN models the LayerNorm output also feeds the next residual
 *                          shortcut; this variable {@code (D)} multiplies that shortcut (ones by
 *                          default). {@code null} when the output feeds no shortcut (pre-LN)
 */
public record NormLink(String outputSite, String gamma, String beta, List<String> consumerWeights, String shortcutScale) {

    public NormLink {
        Objects.requireNonNull(outputSite, "outputSite");
        Objects.requireNonNull(gamma, "gamma");
        Objects.requireNonNull(beta, "beta");
        consumerWeights = List.copyOf(consumerWeights);
    }
}
