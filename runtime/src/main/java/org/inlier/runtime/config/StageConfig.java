package org.inlier.runtime.config;

import java.util.Map;
import org.inlier.api.plugin.Options;

/**
 * One stage of a pipeline as configured.
 *
 * @param name    the stage's name ({@code train}, {@code calibrate}, ...)
 * @param options validated options, nested blocks flattened to dotted names ({@code activations.bits})
 * @param plugins the plugins chosen in the stage's plugin slots (e.g. {@code estimator})
 */
public record StageConfig(String name, Options options, Map<String, PluginRef> plugins) {

    /** The plugin chosen for a slot. */
    public PluginRef plugin(String slot) {
        PluginRef ref = plugins.get(slot);
        if (ref == null) {
            throw new IllegalStateException("stage " + name + " has no plugin slot '" + slot + "'");
        }
        return ref;
    }
}
