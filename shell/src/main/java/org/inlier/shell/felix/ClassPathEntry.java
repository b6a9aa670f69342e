package org.inlier.shell.felix;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * A JAR or class folder of the launcher's class path (or of the plugins folder), with its
 * manifest and the packages of its classes.
 *
 * @param path     the JAR or folder
 * @param manifest its manifest (empty when it has none)
 */
record ClassPathEntry(Path path, Manifest manifest) {

    /** Reads an entry's manifest. */
    static ClassPathEntry of(Path path) {
        try {
            if (Files.isDirectory(path)) {
                Path file = path.resolve(JarFile.MANIFEST_NAME);
                if (!Files.exists(file)) {
                    return new ClassPathEntry(path, new Manifest());
                }
                try (InputStream in = Files.newInputStream(file)) {
                    return new ClassPathEntry(path, new Manifest(in));
                }
            }
            try (JarFile jar = new JarFile(path.toFile())) {
                return new ClassPathEntry(path, jar.getManifest() == null ? new Manifest() : jar.getManifest());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest of " + path, e);
        }
    }

    /** A main-section manifest header. */
    Optional<String> header(String name) {
        return Optional.ofNullable(manifest.getMainAttributes().getValue(name));
    }

    /** The OSGi symbolic name without its directives, if the entry is a bundle. */
    Optional<String> symbolicName() {
        return header("Bundle-SymbolicName").map(name -> name.split(";")[0].trim());
    }

    /**
     * Where Felix installs it from. A JAR is copied into the framework's storage, so rebuilding or
     * replacing it while the shell runs cannot pull classes from under a bundle; a class folder (a
     * module's {@code target/classes}) can only be used in place.
     */
    String location() {
        return Files.isDirectory(path) ? "reference:" + path.toUri() : path.toUri().toString();
    }

    /** The packages that hold classes, multi-release variants aside. */
    Set<String> packages() {
        Set<String> packages = new TreeSet<>();
        try {
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    files.map(f -> path.relativize(f).toString().replace('\\', '/')).forEach(name -> addPackage(name, packages));
                }
            } else {
                try (JarFile jar = new JarFile(path.toFile())) {
                    jar.stream().forEach(e -> addPackage(e.getName(), packages));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the classes of " + path, e);
        }
        return packages;
    }

    private static void addPackage(String name, Set<String> packages) {
        int slash = name.lastIndexOf('/');
        if (name.endsWith(".class") && slash > 0 && !name.startsWith("META-INF/")) {
            packages.add(name.substring(0, slash).replace('/', '.'));
        }
    }
}
