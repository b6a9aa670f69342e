package org.inlier.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.inlier.api.data.DataContext;
import org.inlier.api.data.DataUnavailableException;
import org.inlier.api.data.Split;
import org.inlier.api.plugin.Options;
import org.junit.jupiter.api.Test;
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
