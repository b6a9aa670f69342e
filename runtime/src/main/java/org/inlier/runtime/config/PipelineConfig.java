package org.inlier.runtime.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated pipeline: which model, data, attention and backend, and the stages in order.
 *
 * @param name      the pipeline's name (for run ids and reports)
 * @param seed      the seed of every random choice (initialisation, batches, masking)
 * @param model     the model family and its options
 * @param data      the data set and its options
 * @param attention the attention variant and its options
 * @param backend   the hardware backend and its options
 * @param suppression the outlier-suppression methods, each acting at its hooks (loss term, rewrite, ranges)
 * @param stages    the stages, in order
 * @param resolved  the whole pipeline with every default filled in, as written to the run store
 */
public record PipelineConfig(String name, long seed, PluginRef model, PluginRef data, PluginRef attention,
                             PluginRef backend, List<PluginRef> suppression, List<StageConfig> stages, Map<String, Object> resolved) {

    /** The first stage with this name, if the pipeline has one. */
    public Optional<StageConfig> stage(String stageName) {
        return stages.stream().filter(s -> s.name().equals(stageName)).findFirst();
    }
}
