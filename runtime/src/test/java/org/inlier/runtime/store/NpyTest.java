package org.inlier.runtime.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    @TempDir
    Path dir;

    @Test
    void theHeaderFollowsTheVersion1Spec() throws Exception {
        Path file = dir.resolve("e.npy");
        Npy.write(file, new float[][] {{1f, -2.5f}, {3f, 0.125f}, {Float.MAX_VALUE, -0f}});
        byte[] bytes = Files.readAllBytes(file);

        assertThat(Arrays.copyOf(bytes, 8)).containsExactly(0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0);
        int headerLength = Short.toUnsignedInt(ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort());
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }").endsWith(" \n");
        assertThat(header.strip()).isEqualTo("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }");
        assertThat((10 + headerLength) % 64).as("data starts 64-byte aligned").isZero();
        assertThat(bytes).hasSize(10 + headerLength + 3 * 2 * 4);

        ByteBuffer data = ByteBuffer.wrap(bytes, 10 + headerLength, 24).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(data.getFloat()).isEqualTo(1f);
        assertThat(data.getFloat()).isEqualTo(-2.5f);
        assertThat(data.getFloat()).isEqualTo(3f);
    }

    @Test
    void shapeDtypeAndValuesParseBackExactly() {
        float[][] rows = {{1f, -2.5f, 7f}, {3f, 0.125f, Float.MIN_VALUE}};
        Path file = dir.resolve("e.npy");
        Npy.write(file, rows);

        Npy.Array read = Npy.read(file);
        assertThat(read.shape()).containsExactly(2, 3);
        assertThat(read.rows()).isDeepEqualTo(rows);
    }

    @Test
    void aOneDimensionalShapeIsAPythonOneTuple() {
        assertThat(new String(Npy.header(new long[] {5}), StandardCharsets.US_ASCII)).contains("'shape': (5,), }");
    }

    @Test
    void anEmptyMatrixHasShapeZeroByZero() {
        Path file = dir.resolve("empty.npy");
        Npy.write(file, new float[0][]);
        assertThat(Npy.read(file).shape()).containsExactly(0, 0);
    }

    @Test
    void raggedRowsAreRejected() {
        assertThatThrownBy(() -> Npy.write(dir.resolve("r.npy"), new float[][] {{1f, 2f}, {3f}}))
                .hasMessageContaining("row 1 has 1 values, row 0 has 2");
    }

    @Test
    void otherFilesAndDtypesAreClearErrors() throws Exception {
        Path text = Files.writeString(dir.resolve("text.npy"), "1,2,3\n");
        assertThatThrownBy(() -> Npy.read(text)).hasMessageContaining("is not an .npy file");

        byte[] header = Npy.header(new long[] {1});
        String dict = new String(header, 10, header.length - 10, StandardCharsets.US_ASCII).replace("'<f4'", "'<f8'");
        System.arraycopy(dict.getBytes(StandardCharsets.US_ASCII), 0, header, 10, dict.length());
        Path f8 = Files.write(dir.resolve("f8.npy"), Arrays.copyOf(header, header.length + 8));
        assertThatThrownBy(() -> Npy.read(f8)).hasMessageContaining("holds dtype '<f8'");
    }
}
