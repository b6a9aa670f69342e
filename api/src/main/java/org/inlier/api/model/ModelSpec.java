package org.inlier.api.model;

import java.util.Objects;
import org.inlier.api.attention.AttentionVariant;
import org.inlier.api.plugin.Options;
import org.inlier.api.site.SiteInstrumentation;

/**
 * What a model family needs to build one model.
 *
 * @param options          the family's validated options (layers, hidden, ...)
 * @param vocabSize        size of the data set's vocabulary (token models) or number of classes
 * @param attention        the attention variant every layer uses
 * @param attentionOptions the variant's validated options
 * @param sites            the hook called at every quantization site
 * @param seed             seed for weight initialisation
 * @param training         whether to build the training graph (with dropout) or the inference graph
 */
public record ModelSpec(Options options, int vocabSize, AttentionVariant attention, Options attentionOptions,
                        SiteInstrumentation sites, long seed, boolean training) {

    public ModelSpec {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(attention, "attention");
        Objects.requireNonNull(attentionOptions, "attentionOptions");
        Objects.requireNonNull(sites, "sites");
    }
}
