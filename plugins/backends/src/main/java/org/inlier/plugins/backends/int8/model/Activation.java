package org.inlier.plugins.backends.int8.model;

import org.inlier.plugins.backends.int8.ActivationGrid;

/**
 * A tensor between two operations, {@code (rows, cols)} row-major: its real values and, when it is
 * a quantized site, its levels on that site's grid. A quantized tensor's values are its levels
 * dequantised, computed on first use: most quantized tensors (Q, K, V, the probabilities, the
 * context, the FFN hidden layer) feed integer products only and never need them.
 */
final class Activation {

    private final int rows;
    private final int cols;
    private final int[] levels;
    private final ActivationGrid grid;
    private float[] values;

    private Activation(int rows, int cols, float[] values, int[] levels, ActivationGrid grid) {
        this.rows = rows;
        this.cols = cols;
        this.values = values;
        this.levels = levels;
        this.grid = grid;
    }

    /** A float tensor. */
    static Activation real(int rows, int cols, float[] values) {
        return new Activation(rows, cols, values, null, null);
    }

    /** A quantized tensor, given by its levels. */
    static Activation quantized(int rows, int cols, int[] levels, ActivationGrid grid) {
        return new Activation(rows, cols, null, levels, grid);
    }

    int rows() {
        return rows;
    }

    int cols() {
        return cols;
    }

    /** The levels; {@code null} when the tensor is in float. */
    int[] levels() {
        return levels;
    }

    /** The grid of the levels; {@code null} when the tensor is in float. */
    ActivationGrid grid() {
        return grid;
    }

    /** The real values: the float tensor, or the levels dequantised ({@code x̂ = (q − z) · s}). */
    float[] values() {
        if (values == null) {
            values = new float[levels.length];
            for (int i = 0; i < levels.length; i++) {
                values[i] = grid.value(levels[i]);
            }
        }
        return values;
    }
}
