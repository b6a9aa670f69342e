package org.inlier.runtime.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void aWriteThatFailsHalfwayLeavesThePreviousFileIntactAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("checkpoint.zip");
        AtomicFiles.writeString(file, "last good");

        assertThatThrownBy(() -> AtomicFiles.write(file, out -> {
            out.write("half of the new".getBytes());
            throw new IOException("disk full");
        })).hasMessageContaining("cannot write").hasRootCauseMessage("disk full");

        assertThat(file).hasContent("last good");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void replacesTheFileWhenTheWriteCompletes() {
        Path file = dir.resolve("report.md");
        AtomicFiles.writeString(file, "old");
        AtomicFiles.writeString(file, "new");
        assertThat(file).hasContent("new");
    }
}
