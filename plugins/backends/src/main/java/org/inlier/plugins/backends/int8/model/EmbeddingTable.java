package org.inlier.plugins.backends.int8.model;

import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantizedTensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An embedding table {@code (rows, D)} kept as int8 levels with one scale per column (or one for
 * the table) when its weight site is quantized, as float otherwise; rows are looked up dequantised,
 * {@code ŵ = q · s}, the values the simulation's fake-quantized table holds.
 */
final class EmbeddingTable {

    private final int rows;
    private final int cols;
    private final byte[] levels;
    private final float[] scales;
    private final float[] floats;

    private EmbeddingTable(int rows, int cols, byte[] levels, float[] scales, float[] floats) {
        this.rows = rows;
        this.cols = cols;
        this.levels = levels;
        this.scales = scales;
        this.floats = floats;
    }

    /** A quantized table: symmetric levels of at most 8 bits, per tensor or per column. */
    static EmbeddingTable quantized(String site, QuantizedTensor weight) {
        QuantParams p = weight.params();
        if (!p.scheme().symmetric() || p.scheme().bits() > 8) {
            throw new IllegalArgumentException("backend 'int8-jvm' keeps embedding tables as symmetric int8; site '" + site
                    + "' is " + p.scheme().bits() + "-bit " + (p.scheme().symmetric() ? "symmetric" : "asymmetric"));
        }
        INDArray w = weight.values();
        int rows = (int) w.size(0);
        int cols = (int) w.size(1);
        int[] ints = w.castTo(DataType.INT32).dup('c').data().asInt(); // (rows, cols)
        byte[] levels = new byte[ints.length];
        for (int i = 0; i < ints.length; i++) {
            levels[i] = (byte) ints[i];
        }
        double[] s = p.scale();
        if (s.length != 1 && s.length != cols) {
            throw new IllegalArgumentException("site '" + site + "' has " + s.length + " scales for " + cols + " columns");
        }
        float[] scales = new float[cols];
        for (int c = 0; c < cols; c++) {
            scales[c] = (float) s[s.length == 1 ? 0 : c];
        }
        return new EmbeddingTable(rows, cols, levels, scales, null);
    }

    /** A float table. */
    static EmbeddingTable real(INDArray table) {
        return new EmbeddingTable((int) table.size(0), (int) table.size(1), null, null,
                table.castTo(DataType.FLOAT).dup('c').data().asFloat());
    }

    int rows() {
        return rows;
    }

    int cols() {
        return cols;
    }

    /** Row {@code row}, dequantised, written to {@code out} at {@code offset}. */
    void row(int row, float[] out, int offset) {
        if (row < 0 || row >= rows) {
            throw new IllegalArgumentException("id " + row + " is outside the embedding table's " + rows + " rows");
        }
        for (int c = 0; c < cols; c++) {
            out[offset + c] = floats != null ? floats[row * cols + c] : levels[row * cols + c] * scales[c];
        }
    }

    /** Bytes held: one per level plus the scales, or four per float. */
    long bytes() {
        return floats != null ? 4L * floats.length : levels.length + 4L * scales.length;
    }
}
