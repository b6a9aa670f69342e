package org.inlier.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.inlier.api.data.DataUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs({OS.LINUX, OS.MAC})
class DebianPackageTest {

    @TempDir
    Path dir;

    private final List<String> log = new ArrayList<>();

    /** A stand-in for apt-get that appends its arguments and DEBIAN_FRONTEND to calls.txt, then runs {@code body}. */
    private DebianPackage demo(String body) throws IOException {
        Path script = Files.writeString(dir.resolve("fake-apt-get"), "#!/bin/sh\n"
                + "echo \"$* [$DEBIAN_FRONTEND]\" >> '" + dir.resolve("calls.txt") + "'\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return new DebianPackage("demo-data", List.of(script.toString()));
    }

    private List<String> calls() throws IOException {
        return Files.readAllLines(dir.resolve("calls.txt"));
    }

    @Test
    void installsNonInteractively() throws IOException {
        demo("exit 0").install(log::add);

        assertThat(calls()).containsExactly("install -y -q demo-data [noninteractive]");
        assertThat(log.get(0)).contains("installing Debian package demo-data");
    }

    @Test
    void aFailedInstallUpdatesThePackageListsOnceAndTriesAgain() throws IOException {
        Path updated = dir.resolve("updated");
        demo("case \"$1\" in update) touch '" + updated + "';; install) test -f '" + updated + "';; esac").install(log::add);

        assertThat(calls()).containsExactly("install -y -q demo-data [noninteractive]", "update -q [noninteractive]",
                "install -y -q demo-data [noninteractive]");
    }

    @Test
    void aPersistentFailureNamesThePackageTheExitCodeTheOutputAndTheManualCommand() throws IOException {
        DebianPackage failing = demo("echo 'E: Unable to locate package demo-data' >&2; exit 100");

        assertThatThrownBy(() -> failing.install(log::add))
                .isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("Could not install the Debian package demo-data")
                .hasMessageContaining("exit code 100")
                .hasMessageContaining("E: Unable to locate package demo-data")
                .hasMessageContaining("sudo apt-get install demo-data");
        assertThat(calls()).hasSize(3);
    }

    @Test
    void aMissingAptGetIsReportedAsSuch() {
        DebianPackage absent = new DebianPackage("demo-data", List.of(dir.resolve("no-such-apt-get").toString()));

        assertThatThrownBy(() -> absent.install(log::add))
                .isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("could not run")
                .hasMessageContaining("sudo apt-get install demo-data");
    }
}
