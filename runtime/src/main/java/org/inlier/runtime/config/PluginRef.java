package org.inlier.runtime.config;

import org.inlier.api.plugin.Options;
import org.inlier.api.plugin.PluginKind;

/**
 * A plugin chosen in a pipeline file, with its validated options (defaults filled in).
 *
 * @param kind    the plugin's kind
 * @param id      the plugin's id
 * @param options validated options
 */
public record PluginRef(PluginKind kind, String id, Options options) {
}
