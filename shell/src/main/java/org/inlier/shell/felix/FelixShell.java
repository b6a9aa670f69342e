package org.inlier.shell.felix;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.inlier.runtime.bus.RemoteAccess;
import org.inlier.runtime.osgi.RuntimeActivator;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * {@code inlier shell}: boots an embedded Felix framework with the runtime, the built-in plugins,
 * the bundles of the plugins folder and the Gogo shell, and returns when the framework stops
 * (at {@code exit}, or at the end of piped input).
 *
 * <p>Bundles start in three start levels, and the framework stops them from the highest level
 * down: plugins (level 1) start before the runtime and its clients (level 2) and outlive them, so a
 * run stopping at shutdown never loses its plugins; the Gogo shell (level 3) starts last, since it
 * reads its input at once and every command must be registered by then. A bundle that fails to
 * install or start is reported, and the rest go on.
 */
public final class FelixShell {

    private static final int PLUGINS_LEVEL = 1;
    private static final int RUNTIME_LEVEL = 2;
    private static final int SHELL_LEVEL = 3;
    private static final String GOGO_SHELL = "org.apache.felix.gogo.shell";
    private static final Map<String, Integer> LEVELS = Map.of("org.inlier.runtime", RUNTIME_LEVEL, "org.inlier.shell", RUNTIME_LEVEL,
            "org.apache.felix.gogo.runtime", RUNTIME_LEVEL, "org.apache.felix.gogo.command", RUNTIME_LEVEL,
            GOGO_SHELL, SHELL_LEVEL);

    private FelixShell() {
    }

    /**
     * Runs the shell until its framework stops.
     *
     * @param runs    the run store's folder
     * @param cache   the data cache's folder
     * @param plugins a folder of third-party plugin bundles, installed and started before the shell (may be missing)
     * @param queue   how many runs may wait while one runs
     * @param remote  remote access to open on the runtime, or {@code null} for none
     * @param err     where problems with bundles are reported
     * @return the exit code: 0, or 1 if the framework could not start
     */
    public static int run(Path runs, Path cache, Path plugins, int queue, RemoteAccess remote, PrintStream err) {
        Path storage = temporaryFolder();
        try {
            start(storage, runs, cache, plugins, queue, remote, err, true).waitForStop(0);
            return 0;
        } catch (BundleException e) {
            err.println("error: the OSGi framework did not start: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            delete(storage);
        }
    }

    /**
     * Boots the framework as {@link #run} does and returns it with every bundle started, for
     * embedding it (tests use it to look inside the bundles); the caller stops it.
     *
     * @param storage the framework's scratch folder, emptied at boot
     * @param shell   whether to start the Gogo shell, which reads standard input at once
     * @throws BundleException if the framework itself does not start
     */
    public static Framework start(Path storage, Path runs, Path cache, Path plugins, int queue, RemoteAccess remote, PrintStream err,
                                  boolean shell) throws BundleException {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path (org.apache.felix.framework)"));
        LauncherClassPath classPath = LauncherClassPath.of(System.getProperty("java.class.path"), codeSource(factory));
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, SystemPackages.of(classPath.libraries()));
        config.put(RuntimeActivator.RUNS, runs.toAbsolutePath().toString());
        config.put(RuntimeActivator.CACHE, cache.toAbsolutePath().toString());
        config.put(RuntimeActivator.QUEUE_CAPACITY, String.valueOf(queue));
        if (remote != null) {
            config.put(RuntimeActivator.REMOTE_HOST, remote.host());
            config.put(RuntimeActivator.REMOTE_PORT, String.valueOf(remote.port()));
            config.put(RuntimeActivator.REMOTE_TOKEN, remote.token());
        }
        config.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, String.valueOf(SHELL_LEVEL));
        Framework framework = factory.newFramework(config);
        framework.init();
        BundleContext context = framework.getBundleContext();
        List<Bundle> bundles = new ArrayList<>();
        classPath.bundles().stream().filter(entry -> shell || !entry.symbolicName().orElse("").equals(GOGO_SHELL))
                .forEach(entry -> install(context, entry.location(), err, bundles));
        thirdParty(plugins, err).forEach(entry -> install(context, entry.location(), err, bundles));
        bundles.forEach(b -> b.adapt(BundleStartLevel.class).setStartLevel(level(b)));
        framework.start();
        bundles.stream().sorted(Comparator.comparingInt(FelixShell::level)).forEach(b -> start(b, err));
        return framework;
    }

    /** The plugin bundles of the plugins folder; a plain JAR (no bundle manifest) is reported and left to the CLI. */
    private static List<ClassPathEntry> thirdParty(Path plugins, PrintStream err) {
        if (plugins == null || !Files.isDirectory(plugins)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(plugins)) {
            List<ClassPathEntry> bundles = new ArrayList<>();
            for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                ClassPathEntry entry = ClassPathEntry.of(jar.toAbsolutePath());
                if (entry.symbolicName().isPresent()) {
                    bundles.add(entry);
                } else {
                    err.println("warning: " + jar + " is not a bundle (no Bundle-SymbolicName); the CLI loads it, the shell skips it");
                }
            }
            return bundles;
        } catch (IOException | UncheckedIOException e) {
            err.println("warning: cannot read the plugins folder " + plugins + ": " + e.getMessage());
            return List.of();
        }
    }

    private static int level(Bundle bundle) {
        return LEVELS.getOrDefault(bundle.getSymbolicName(), PLUGINS_LEVEL);
    }

    private static void install(BundleContext context, String location, PrintStream err, List<Bundle> installed) {
        try {
            installed.add(context.installBundle(location));
        } catch (BundleException | RuntimeException e) {
            err.println("warning: cannot install " + location + ": " + e.getMessage());
        }
    }

    private static void start(Bundle bundle, PrintStream err) {
        if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null) {
            return;
        }
        try {
            bundle.start();
        } catch (BundleException | RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            err.println("warning: bundle " + bundle.getSymbolicName() + " [" + bundle.getBundleId() + "] did not start: "
                    + e.getMessage() + (cause == e ? "" : " (" + cause + ")"));
        }
    }

    private static Path codeSource(FrameworkFactory factory) {
        try {
            return Path.of(factory.getClass().getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the framework's JAR", e);
        }
    }

    private static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("inlier-felix");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the framework's storage folder", e);
        }
    }

    /** The framework's storage is scratch: bundles are installed in place from the class path each time. */
    private static void delete(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // Only a temporary folder is left behind.
        }
    }
}
