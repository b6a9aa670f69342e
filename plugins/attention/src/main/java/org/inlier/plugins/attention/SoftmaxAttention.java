package org.inlier.plugins.attention;

import java.util.List;

import org.inlier.api.attention.AttentionContext;
import org.inlier.api.attention.AttentionVariant;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Standard attention ({@code vanilla}): softmax over the keys, head outputs left unchanged.
 *
 * <p>The baseline the other variants are measured against; it has no options.
 */
public final class SoftmaxAttention implements AttentionVariant {

    /** The id pipeline files use. */
    public static final String ID = "vanilla";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Standard softmax attention (the baseline)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    @Override
    public SDVariable probabilities(SDVariable scores, AttentionContext context, Options options) {
        return softmax(scores);
    }

    @Override
    public SDVariable headOutputs(SDVariable headOutputs, AttentionContext context, Options options) {
        return headOutputs;
    }

    /**
     * Softmax over the last axis, the keys; shared by the variants that start from it.
     *
     * @param scores scaled and masked scores, {@code (B, H, T, T)}
     * @return probabilities of the same shape, each row summing to 1
     */
    public static SDVariable softmax(SDVariable scores) {
        return scores.getSameDiff().nn().softmax(scores, -1);
    }
}
