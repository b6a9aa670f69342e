package org.inlier.plugins.backends.int8;

/**
 * One implementation of the int8 × int8 → int32 matrix product, in two forms:
 * {@code C = A · Bᵀ} over a range of output columns, and {@code C = A · B} over a range of output
 * rows. {@link Int8Gemm} validates the arguments and splits the work over threads.
 *
 * <p>Layouts are row-major: {@code a} is {@code (m, k)} and {@code c} is {@code (m, n)}; {@code bt}
 * is {@code (n, k)} (B transposed, one row per output column, so both operands are read along
 * {@code k}: dot products, for the linear layers' long {@code k}), {@code b} is {@code (k, n)}
 * (read along the output row: sums of scaled rows without any reduction across lanes, for
 * attention's short {@code k}). Products and sums are exact: {@code k · 128²} must fit in an int,
 * which {@link Int8Gemm} checks.
 */
interface Int8Kernel {

    /**
     * Writes {@code c[i][j] = Σ_p a[i][p] · bt[j][p]} for every row {@code i} and every column
     * {@code j} in {@code [fromColumn, toColumn)}; other columns of {@code c} are left alone.
     */
    void multiply(byte[] a, byte[] bt, int[] c, int m, int n, int k, int fromColumn, int toColumn);

    /**
     * Writes {@code c[i][j] = Σ_p a[i][p] · b[p][j]} for every row {@code i} in
     * {@code [fromRow, toRow)} and every column {@code j}; other rows of {@code c} are left alone.
     */
    void multiplyRows(byte[] a, byte[] b, int[] c, int m, int n, int k, int fromRow, int toRow);

    /** A short description for the log: which kernel, with how many lanes. */
    String description();
}
