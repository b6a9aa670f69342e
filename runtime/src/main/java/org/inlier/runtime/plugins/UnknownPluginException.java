package org.inlier.runtime.plugins;

import java.util.List;
import org.inlier.api.plugin.PluginKind;

/** A pipeline or command named a plugin id that no loaded plugin has. */
public final class UnknownPluginException extends RuntimeException {

    /**
     * @param kind  the kind that was looked up
     * @param id    the unknown id
     * @param known the ids of that kind that do exist
     */
    public UnknownPluginException(PluginKind kind, String id, List<String> known) {
        super("unknown " + kind.label() + " '" + id + "'; known: " + (known.isEmpty() ? "(none)" : String.join(", ", known)));
    }
}
