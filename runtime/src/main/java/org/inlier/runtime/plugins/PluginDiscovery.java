package org.inlier.runtime.plugins;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.inlier.api.plugin.Plugin;
import org.inlier.api.plugin.PluginKind;

/**
 * Finds plugins with {@link ServiceLoader}: on the class path, and in every JAR of a plugins
 * folder, each JAR in a class loader of its own so one JAR's classes cannot clash with another's.
 *
 * <p>A class that is missing, fails to load or throws in its constructor is recorded as a
 * {@link PluginProblem} with the JAR's path and the cause; discovery goes on with the next entry.
 */
public final class PluginDiscovery {

    private PluginDiscovery() {
    }

    /**
     * Loads the plugins of the class path and of a plugins folder.
     *
     * @param pluginsDir a folder of plugin JARs, or {@code null} for none; a missing folder is not an error
     * @return a registry with every plugin that loaded and every problem met
     */
    public static PluginRegistry discover(Path pluginsDir) {
        PluginRegistry registry = new PluginRegistry();
        loadAll(PluginDiscovery.class.getClassLoader(), PluginSource.CLASS_PATH, registry);
        if (pluginsDir != null && Files.isDirectory(pluginsDir)) {
            for (Path jar : jars(pluginsDir, registry)) {
                loadJar(jar, registry);
            }
        }
        return registry;
    }

    /** Loads the plugins of one JAR into the registry, in a class loader of its own. */
    public static void loadJar(Path jar, PluginRegistry registry) {
        PluginSource source = new PluginSource(jar.toAbsolutePath().toString());
        try {
            URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, PluginDiscovery.class.getClassLoader());
            loadAll(loader, source, registry, true);
        } catch (MalformedURLException e) {
            registry.report(new PluginProblem(source, "cannot open plugin JAR", e));
        }
    }

    private static List<Path> jars(Path dir, PluginRegistry registry) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            registry.report(new PluginProblem(new PluginSource(dir.toString()), "cannot list plugins folder", e));
            return List.of();
        }
    }

    private static void loadAll(ClassLoader loader, PluginSource source, PluginRegistry registry) {
        loadAll(loader, source, registry, false);
    }

    private static void loadAll(ClassLoader loader, PluginSource source, PluginRegistry registry, boolean ownJarOnly) {
        for (PluginKind kind : PluginKind.values()) {
            Iterator<? extends Plugin> it = ServiceLoader.load(kind.serviceType(), loader).iterator();
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    Plugin plugin = it.next();
                    // A JAR's loader also sees the parent's (class-path) plugins: register only its own.
                    if (!ownJarOnly || plugin.getClass().getClassLoader() == loader) {
                        registry.add(plugin, source);
                    }
                } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
                    registry.report(new PluginProblem(source, "cannot load " + kind.label() + " plugin", e));
                }
            }
        }
    }
}
