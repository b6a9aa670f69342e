package org.inlier.plugins.models;

import java.util.List;
import org.inlier.api.attention.AttentionContext;
import org.inlier.api.attention.AttentionVariant;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.nd4j.autodiff.samediff.SDVariable;

/** Plain softmax attention, so the model tests do not depend on the attention plugin module. */
final class SoftmaxForTests implements AttentionVariant {

    @Override
    public String id() {
        return "test-softmax";
    }

    @Override
    public String description() {
        return "softmax for model tests";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of();
    }

    @Override
    public SDVariable probabilities(SDVariable scores, AttentionContext context, Options options) {
        return context.sd().nn.softmax(scores, -1);
    }

    @Override
    public SDVariable headOutputs(SDVariable headOutputs, AttentionContext context, Options options) {
        return headOutputs;
    }
}
