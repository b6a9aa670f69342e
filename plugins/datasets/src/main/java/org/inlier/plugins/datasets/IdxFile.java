package org.inlier.plugins.datasets;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * An unsigned-byte array in the IDX format of MNIST and Fashion-MNIST, gzipped or not.
 *
 * <p>Format (big-endian): two zero bytes, the element type ({@code 0x08} = unsigned byte, the only
 * one MNIST uses), the number of dimensions n, then n 32-bit sizes, then the elements row-major.
 * Labels are {@code (N)}, images {@code (N, rows, cols)}.
 *
 * @param dims the size of every dimension
 * @param data the elements, row-major, as stored (read them with {@code & 0xFF})
 */
public record IdxFile(int[] dims, byte[] data) {

    private static final int UNSIGNED_BYTE = 0x08;
    /** The first two bytes of every gzip stream. */
    private static final int GZIP_MAGIC = 0x1f8b;

    /**
     * Reads a file, un-gzipping it when it starts with the gzip magic bytes.
     *
     * @throws IOException if the file cannot be read or is not an unsigned-byte IDX file
     */
    public static IdxFile read(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int magic = (raw.read() << 8) | raw.read();
            raw.reset();
            InputStream in = magic == GZIP_MAGIC ? new GZIPInputStream(raw) : raw;
            return read(new DataInputStream(in), file);
        }
    }

    private static IdxFile read(DataInputStream in, Path file) throws IOException {
        int header = in.readInt();
        if ((header >>> 16) != 0 || ((header >>> 8) & 0xFF) != UNSIGNED_BYTE) {
            throw new IOException(file + " is not an unsigned-byte IDX file (header 0x" + Integer.toHexString(header) + ")");
        }
        int[] dims = new int[header & 0xFF];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = in.readInt();
            count *= dims[i];
        }
        if (count > Integer.MAX_VALUE) {
            throw new IOException(file + " declares " + count + " elements, more than one array holds");
        }
        byte[] data = new byte[(int) count];
        try {
            in.readFully(data);
        } catch (EOFException e) {
            throw new IOException(file + " is truncated: its header " + Arrays.toString(dims) + " declares " + count + " elements", e);
        }
        return new IdxFile(dims, data);
    }

    /**
     * Writes the array as an unsigned-byte IDX file, gzipped when the file name ends in {@code .gz}
     * (for small stand-ins of a data set, e.g. in tests).
     */
    public void write(Path file) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(file.toString().endsWith(".gz") ? new GZIPOutputStream(raw) : raw)) {
            out.writeInt((UNSIGNED_BYTE << 8) | dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
    }

    /** The number of items: the size of the first dimension. */
    public int count() {
        return dims[0];
    }
}
