package org.inlier.api.plugin;

import java.util.List;

/**
 * What every Inlier plugin declares about itself, so the runtime can list it, validate a
 * pipeline's options against it and report it without running anything.
 *
 * <p>Plugins are found through {@link java.util.ServiceLoader}: a plugin JAR lists its classes
 * in {@code META-INF/services/<the SPI interface of its kind>}. Implementations must have a
 * public no-argument constructor and be stateless; per-use settings arrive as {@link Options}.
 */
public interface Plugin {

    /** The id a pipeline file uses to name this plugin, e.g. {@code clipped-softmax}; never {@code null}. */
    String id();

    /** Which extension point this plugin implements; never {@code null}. */
    PluginKind kind();

    /** A one-line, human-readable description shown by {@code inlier plugins}; never {@code null}. */
    String description();

    /** The options this plugin accepts, with types, defaults and allowed ranges; empty if none. */
    List<OptionSpec> options();

    /**
     * The plugin's version. The default reads the {@code Implementation-Version} of the JAR the
     * class came from, so plugin authors only set it in their build.
     */
    default String version() {
        String v = getClass().getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
