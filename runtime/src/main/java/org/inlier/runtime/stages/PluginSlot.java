package org.inlier.runtime.stages;

import org.inlier.api.plugin.PluginKind;

/**
 * A stage option that names a plugin, written either as its id ({@code estimator: mse}) or as
 * a block with the id and the plugin's options ({@code estimator: {id: mse, candidates: 50}}).
 *
 * @param kind      the kind of plugin the slot takes
 * @param defaultId the plugin used when the slot is not set
 */
public record PluginSlot(PluginKind kind, String defaultId) {
}
