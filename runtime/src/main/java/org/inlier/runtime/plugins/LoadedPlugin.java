package org.inlier.runtime.plugins;

import org.inlier.api.plugin.Plugin;

/**
 * A plugin instance with the place it was loaded from.
 *
 * @param plugin the instance
 * @param source where it came from
 */
public record LoadedPlugin(Plugin plugin, PluginSource source) {
}
