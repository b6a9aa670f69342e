package org.inlier.runtime.stages;

import java.util.List;
import java.util.Map;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.runtime.config.BlockOption;
import org.inlier.runtime.config.StageConfig;

/** One step of a pipeline: train, calibrate, quantize or evaluate. */
public interface Stage {

    /** The key naming this stage in a pipeline file. */
    String name();

    /** One line for help texts. */
    String description();

    /** The stage's options; nested blocks use dotted names ({@code activations.bits}). */
    List<OptionSpec> options();

    /** Options that name plugins, by key. */
    Map<String, PluginSlot> pluginSlots();

    /**
     * Options that may hold a whole block (read by its own reader, not flattened), by key; each is
     * also declared in {@link #options()}, for its default and listing.
     */
    default Map<String, BlockOption> blockOptions() {
        return Map.of();
    }

    /**
     * Runs the stage.
     *
     * @param run    the run's state, shared by its stages
     * @param config this stage's validated configuration
     * @throws Exception if the stage fails; the run is marked failed with the message
     */
    void run(RunContext run, StageConfig config) throws Exception;
}
