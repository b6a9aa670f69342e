package org.inlier.plugins.backends.int8.model;

import org.inlier.plugins.backends.int8.ActivationGrid;

/**
 * A tensor between two operations, {@code (rows, cols)} row-major: its real values and, when it is
 * a quantized site, its levels on that site's grid (the values are then the levels dequantised).
 *
 * @param levels {@code null} when the tensor is in float
 * @param grid   {@code null} when the tensor is in float
 */
record Activation(int rows, int cols, float[] values, int[] levels, ActivationGrid grid) {

    /** A float tensor. */
    static Activation real(int rows, int cols, float[] values) {
        return new Activation(rows, cols, values, null, null);
    }

    /** A quantized tensor: its levels and their real values. */
    static Activation quantized(int rows, int cols, int[] levels, ActivationGrid grid) {
        float[] values = new float[levels.length];
        for (int i = 0; i < levels.length; i++) {
            values[i] = grid.value(levels[i]);
        }
        return new Activation(rows, cols, values, levels, grid);
    }
}
