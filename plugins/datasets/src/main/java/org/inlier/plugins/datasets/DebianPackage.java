package org.inlier.plugins.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.inlier.api.data.DataUnavailableException;

/**
 * One Debian package that a data set reads its files from, installed with {@code apt-get} on first
 * use so that a pipeline runs on a fresh machine without a manual step.
 *
 * <p>Installation goes through {@code sudo -n} unless the JVM runs as root: {@code -n} fails at once
 * where a password would be asked, and the error then tells the user the command to run by hand.
 * When the install fails, as it does where the package lists are empty or stale (a fresh
 * container), the lists are updated once and the install tried again.
 */
final class DebianPackage {

    /** Fetching and unpacking a data package takes a while on a slow mirror, but not this long. */
    private static final Duration APT_TIMEOUT = Duration.ofMinutes(10);

    private final String name;
    private final List<String> aptGet;

    /**
     * @param name   the package name
     * @param aptGet the command prefix that runs apt-get, e.g. {@code [sudo, -n, apt-get]}
     */
    DebianPackage(String name, List<String> aptGet) {
        this.name = Objects.requireNonNull(name, "name");
        this.aptGet = List.copyOf(aptGet);
    }

    /** The package, installed with this machine's apt-get (through {@code sudo -n} unless running as root). */
    static DebianPackage named(String name) {
        boolean root = "root".equals(System.getProperty("user.name"));
        return new DebianPackage(name, root ? List.of("apt-get") : List.of("sudo", "-n", "apt-get"));
    }

    /** The command a user can run by hand. */
    String manualInstallCommand() {
        return "sudo apt-get install " + name;
    }

    /**
     * Installs the package.
     *
     * @throws DataUnavailableException naming the package, the command, its exit status and output, when it fails
     */
    void install(Consumer<String> log) {
        log.accept("installing Debian package " + name + ": " + String.join(" ", installCommand()));
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("inlier-apt-");
            ExternalCommand.Result install = run(scratch, installCommand());
            if (!install.succeeded()) {
                log.accept("apt-get install failed; updating the package lists and trying once more");
                // Tried again whatever update says: it fails when any one source is unreachable, yet refreshes the others.
                ExternalCommand.Result update = run(scratch, command("update", "-q"));
                if (!update.succeeded()) {
                    log.accept("apt-get update did not succeed; its output ends with:\n" + update.outputTail());
                }
                install = run(scratch, installCommand());
            }
            if (!install.succeeded()) {
                throw failure(install.finished()
                        ? "it failed with exit code " + install.exitCode() + "; its output ends with:\n" + install.outputTail()
                        : "it did not finish within " + APT_TIMEOUT.toMinutes() + " minutes", null);
            }
        } catch (IOException e) {
            throw failure("could not run '" + aptGet.get(0) + "' (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for apt-get", e);
        } finally {
            deleteQuietly(scratch);
        }
    }

    private static ExternalCommand.Result run(Path workDir, List<String> command) throws IOException, InterruptedException {
        return ExternalCommand.run(command, workDir, Map.of("DEBIAN_FRONTEND", "noninteractive"), APT_TIMEOUT);
    }

    private List<String> installCommand() {
        return command("install", "-y", "-q", name);
    }

    private List<String> command(String... arguments) {
        List<String> command = new ArrayList<>(aptGet);
        command.addAll(List.of(arguments));
        return command;
    }

    private DataUnavailableException failure(String problem, Throwable cause) {
        return new DataUnavailableException("Could not install the Debian package " + name + " with '"
                + String.join(" ", installCommand()) + "': " + problem
                + "\nInstall it by hand (" + manualInstallCommand() + ") and run again.", cause);
    }

    private static void deleteQuietly(Path dir) {
        if (dir != null) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // An empty folder in the temporary directory is not worth failing an install for.
            }
        }
    }
}
