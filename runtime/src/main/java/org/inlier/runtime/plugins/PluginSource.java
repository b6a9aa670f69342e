package org.inlier.runtime.plugins;

/**
 * Where a plugin or a problem came from: the class path, or a JAR in the plugins folder.
 *
 * @param location {@code class path} or the JAR's path
 */
public record PluginSource(String location) {

    /** The application class path. */
    public static final PluginSource CLASS_PATH = new PluginSource("class path");

    @Override
    public String toString() {
        return location;
    }
}
