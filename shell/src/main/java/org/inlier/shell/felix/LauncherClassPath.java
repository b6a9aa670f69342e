package org.inlier.shell.felix;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The launcher's class path, split in two: Inlier's and Gogo's bundles, which Felix installs,
 * and the libraries (ND4J, Vert.x, Jackson, Netty, ...), which stay where they are and are
 * exported by the system bundle. The same JARs make up the CLI's plain class path.
 *
 * @param bundles   the JARs (or class folders) to install
 * @param libraries everything else but the framework itself
 */
record LauncherClassPath(List<ClassPathEntry> bundles, List<ClassPathEntry> libraries) {

    /** Bundle symbolic names of the bundles that are installed; every other entry is a library. */
    private static final List<String> BUNDLE_PREFIXES = List.of("org.inlier.", "org.apache.felix.gogo.");

    /**
     * Splits a class path.
     *
     * @param classPath the {@code java.class.path} value
     * @param framework the framework's own JAR, which is neither
     */
    static LauncherClassPath of(String classPath, Path framework) {
        List<ClassPathEntry> bundles = new ArrayList<>();
        List<ClassPathEntry> libraries = new ArrayList<>();
        for (String element : classPath.split(File.pathSeparator)) {
            Path path = Path.of(element).toAbsolutePath().normalize();
            if (element.isEmpty() || !Files.exists(path) || path.equals(framework)) {
                continue;
            }
            ClassPathEntry entry = ClassPathEntry.of(path);
            boolean bundle = entry.symbolicName().map(name -> BUNDLE_PREFIXES.stream().anyMatch(name::startsWith)).orElse(false);
            (bundle ? bundles : libraries).add(entry);
        }
        return new LauncherClassPath(bundles, libraries);
    }
}
