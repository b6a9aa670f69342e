package org.inlier.runtime.store;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format, version 1.0, for float32 matrices: what {@code numpy.load} reads.
 *
 * <p>The layout (numpy.lib.format): the magic string {@code \x93NUMPY}, the version bytes
 * {@code 1 0}, the header length as a little-endian unsigned 16-bit integer, then the header — an
 * ASCII Python dict literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (N, D), }}
 * padded with spaces and ended by a newline so that magic, version, length and header together
 * take a multiple of 64 bytes — then the values, little-endian float32 in row-major (C) order.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Magic, two version bytes and the two-byte header length. */
    private static final int PREAMBLE = MAGIC.length + 4;
    private static final int ALIGNMENT = 64;
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    /**
     * A float32 array as stored: its shape and its values in row-major order.
     *
     * @param shape  the dimensions
     * @param values every value, row-major
     */
    public record Array(long[] shape, float[] values) {

        /** The array as rows, for a 2-D array. */
        public float[][] rows() {
            if (shape.length != 2) {
                throw new IllegalStateException("not a matrix: shape " + Arrays.toString(shape));
            }
            float[][] rows = new float[(int) shape[0]][];
            int width = (int) shape[1];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = Arrays.copyOfRange(values, i * width, (i + 1) * width);
            }
            return rows;
        }
    }

    private Npy() {
    }

    /**
     * Writes an {@code (N, D)} float32 matrix, atomically.
     *
     * @param file the target, conventionally ending in {@code .npy}
     * @param rows N rows of D values each
     * @throws IllegalArgumentException if the rows differ in length
     */
    public static void write(Path file, float[][] rows) {
        AtomicFiles.write(file, out -> write(out, rows));
    }

    /** Writes an {@code (N, D)} float32 matrix to a stream (see {@link #write(Path, float[][])}). */
    public static void write(OutputStream out, float[][] rows) throws IOException {
        int width = rows.length == 0 ? 0 : rows[0].length;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != width) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, row 0 has " + width);
            }
        }
        out.write(header(new long[] {rows.length, width}));
        ByteBuffer row = ByteBuffer.allocate(width * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] values : rows) {
            row.clear();
            row.asFloatBuffer().put(values);
            out.write(row.array());
        }
    }

    /** The preamble and header of a little-endian float32 C-order array of this shape. */
    static byte[] header(long[] shape) {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        // Python writes a 1-tuple as "(N,)" and larger ones as "(N, D)".
        String tuple = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + dims.substring(0, Math.max(0, dims.length() - 2)) + ")";
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + tuple + ", }";
        int unpadded = PREAMBLE + dict.length() + 1;
        int total = (unpadded + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        String text = dict + " ".repeat(total - unpadded) + "\n";
        if (text.length() > 0xFFFF) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not fit a version 1.0 header");
        }
        ByteBuffer header = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length()).put(text.getBytes(StandardCharsets.US_ASCII));
        return header.array();
    }

    /**
     * Reads a little-endian float32 C-order {@code .npy} file, version 1.0 (as {@link #write} writes them).
     *
     * @throws IllegalArgumentException if the file is missing, not an {@code .npy} file, or holds
     *                                  another data type or order
     */
    public static Array read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < PREAMBLE || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException(file + " is not an .npy file (no \\x93NUMPY magic)");
        }
        if (bytes[MAGIC.length] != 1) {
            throw new IllegalArgumentException(file + " is .npy version " + bytes[MAGIC.length] + "." + bytes[MAGIC.length + 1]
                    + "; only version 1.0 is read");
        }
        int headerLength = Short.toUnsignedInt(in.getShort(MAGIC.length + 2));
        if (PREAMBLE + headerLength > bytes.length) {
            throw new IllegalArgumentException(file + " is truncated inside its header");
        }
        String header = new String(bytes, PREAMBLE, headerLength, StandardCharsets.US_ASCII);
        String descr = field(DESCR, header, file, "descr");
        if (!descr.equals("<f4")) {
            throw new IllegalArgumentException(file + " holds dtype '" + descr + "'; only little-endian float32 ('<f4') is read");
        }
        if (field(FORTRAN, header, file, "fortran_order").equals("True")) {
            throw new IllegalArgumentException(file + " is in Fortran order; only C order is read");
        }
        long[] shape = Arrays.stream(field(SHAPE, header, file, "shape").split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
        long count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        int dataStart = PREAMBLE + headerLength;
        if (bytes.length - dataStart != count * Float.BYTES) {
            throw new IllegalArgumentException(file + " holds " + (bytes.length - dataStart) + " bytes of data, but shape "
                    + Arrays.toString(shape) + " needs " + count * Float.BYTES);
        }
        float[] values = new float[(int) count];
        in.position(dataStart);
        in.asFloatBuffer().get(values);
        return new Array(shape, values);
    }

    private static String field(Pattern pattern, String header, Path file, String name) {
        Matcher m = pattern.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException(file + " has no '" + name + "' in its .npy header: " + header.strip());
        }
        return m.group(1);
    }
}
