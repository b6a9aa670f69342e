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

import org.inlier.api.data.DataContext;
import org.inlier.api.data.DataUnavailableException;
import org.inlier.api.data.Split;
import org.inlier.api.plugin.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @TempDir
    Path dir;

    private final FashionMnist dataset = new FashionMnist();

    private void writeIdx(String name, int[] dims, int[] values) throws IOException {
        byte[] data = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            data[i] = (byte) values[i];
        }
        new IdxFile(dims, data).write(dir.resolve(name));
    }

    /** Image i of a 2×3 set has pixels 10·i + 0 … 10·i + 5 and label i mod 10. */
    private void writeSet(String prefix, int images) throws IOException {
        int[] pixels = new int[images * 6];
        int[] labels = new int[images];
        for (int i = 0; i < images; i++) {
            labels[i] = i % 10;
            for (int p = 0; p < 6; p++) {
                pixels[i * 6 + p] = 10 * i + p;
            }
        }
        writeIdx(prefix + "-images-idx3-ubyte.gz", new int[] {images, 2, 3}, pixels);
        writeIdx(prefix + "-labels-idx1-ubyte.gz", new int[] {images}, labels);
    }

    private LabelledImages load(int valid) {
        return dataset.load(Options.withDefaults(dataset.options(), Map.of("dir", dir.toString(), "valid", valid)),
                new DataContext(dir.resolve("cache"), line -> { }));
    }

    @Test
    void readsGzippedAndPlainIdxFilesAsWritten() throws IOException {
        writeIdx("a.gz", new int[] {2, 2}, new int[] {0, 1, 254, 255});
        writeIdx("b", new int[] {2, 2}, new int[] {0, 1, 254, 255});

        assertThat(Files.readAllBytes(dir.resolve("a.gz"))).startsWith((byte) 0x1f, (byte) 0x8b);
        // Header: two zero bytes, type 0x08 (unsigned byte), 2 dimensions; then sizes 2 and 2, big-endian; then the values.
        assertThat(Files.readAllBytes(dir.resolve("b"))).containsExactly(0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 1, -2, -1);
        for (String name : new String[] {"a.gz", "b"}) {
            IdxFile idx = IdxFile.read(dir.resolve(name));
            assertThat(idx.dims()).containsExactly(2, 2);
            assertThat(idx.data()[3] & 0xFF).isEqualTo(255);
        }
    }

    @Test
    void theLastValidImagesOfTheTrainingFileAreTheValidSplitAndEachBlockIsLabelThenPixels() throws IOException {
        writeSet("train", 5);
        writeSet("t10k", 2);

        LabelledImages images = load(2);

        assertThat(images.blockLength()).isEqualTo(7);
        assertThat(images.images(Split.TRAIN)).isEqualTo(3);
        assertThat(images.tokens(Split.VALID)).containsExactly(3, 30, 31, 32, 33, 34, 35, 4, 40, 41, 42, 43, 44, 45);
        assertThat(images.tokens(Split.TRAIN)).hasSize(21).startsWith(0, 0, 1, 2, 3, 4, 5, 1, 10);
        assertThat(images.tokens(Split.TEST)).containsExactly(0, 0, 1, 2, 3, 4, 5, 1, 10, 11, 12, 13, 14, 15);
        assertThat(images.tokenizer().vocabSize()).isEqualTo(10);
        assertThat(images.tokenizer().decode(new int[] {9, 200})).isEqualTo("Ankle-boot");
        assertThat(images.description()).contains("3 / 2 / 2 train / valid / test images of 2x3");
    }

    @Test
    void missingFilesNameTheDebianPackage() {
        assertThatThrownBy(() -> load(1))
                .isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("apt-get install dataset-fashion-mnist")
                .hasMessageContaining(dir.resolve("train-images-idx3-ubyte.gz").toString());
    }

    /** The data set with its package folder at {@code pkg/} and a fake apt-get that copies the test's files there. */
    private FashionMnist withFakePackage(Path calls) throws IOException {
        Path script = Files.writeString(dir.resolve("fake-apt-get"), "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n"
                + "mkdir -p '" + dir.resolve("pkg") + "' && cp '" + dir + "'/*-ubyte.gz '" + dir.resolve("pkg") + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return new FashionMnist(new DebianPackage(FashionMnist.PACKAGE, List.of(script.toString())), dir.resolve("pkg"));
    }

    private LabelledImages loadFrom(FashionMnist fashionMnist, Path folder, boolean install, List<String> log) {
        return fashionMnist.load(Options.withDefaults(fashionMnist.options(), Map.of("dir", folder.toString(), "valid", 1,
                "install", install)), new DataContext(dir.resolve("cache"), log::add));
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void theDebianPackageIsInstalledWhenItsFolderLacksTheFiles() throws IOException {
        writeSet("train", 3);
        writeSet("t10k", 1);
        Path calls = dir.resolve("calls.txt");
        List<String> log = new ArrayList<>();

        LabelledImages images = loadFrom(withFakePackage(calls), dir.resolve("pkg"), true, log);

        assertThat(images.images(Split.TRAIN)).isEqualTo(2);
        assertThat(Files.readAllLines(calls)).containsExactly("install -y -q dataset-fashion-mnist");
        assertThat(log.get(0)).contains("installing Debian package dataset-fashion-mnist");
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void nothingIsInstalledWhenTurnedOffOrForAnotherFolder() throws IOException {
        Path calls = dir.resolve("calls.txt");
        FashionMnist fashionMnist = withFakePackage(calls);

        assertThatThrownBy(() -> loadFrom(fashionMnist, dir.resolve("pkg"), false, new ArrayList<>()))
                .isInstanceOf(DataUnavailableException.class).hasMessageContaining("sudo apt-get install dataset-fashion-mnist");
        assertThatThrownBy(() -> loadFrom(fashionMnist, dir.resolve("elsewhere"), true, new ArrayList<>()))
                .isInstanceOf(DataUnavailableException.class);
        assertThat(calls).doesNotExist();
    }

    @Test
    void aTruncatedFileIsReportedAsSuch() throws IOException {
        writeSet("train", 3);
        writeSet("t10k", 1);
        writeIdx("t10k-labels-idx1-ubyte.gz", new int[] {4}, new int[] {1, 2});

        assertThatThrownBy(() -> load(1)).isInstanceOf(DataUnavailableException.class).hasMessageContaining("truncated");
    }

    @Test
    void imagesAndLabelsThatDoNotMatchAreRejected() throws IOException {
        writeSet("train", 3);
        writeSet("t10k", 2);
        writeIdx("t10k-labels-idx1-ubyte.gz", new int[] {1}, new int[] {1});

        assertThatThrownBy(() -> load(1)).hasMessageContaining("t10k has 2 images but 1 labels");
    }
}
