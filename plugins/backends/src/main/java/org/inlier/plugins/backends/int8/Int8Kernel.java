package org.inlier.plugins.backends.int8;

/**
 * One implementation of the int8 × int8 → int32 matrix product {@code C = A · Bᵀ} over a range
 * of output columns. {@link Int8Gemm} validates the arguments and splits the columns over threads.
 *
 * <p>Layouts are row-major: {@code a} is {@code (m, k)}, {@code bt} is {@code (n, k)} (B
 * transposed, one row per output column, so both operands are read along {@code k}), {@code c}
 * is {@code (m, n)}. Products and sums are exact: {@code k · 128²} must fit in an int, which
 * {@link Int8Gemm} checks.
 */
interface Int8Kernel {

    /**
     * Writes {@code c[i][j] = Σ_p a[i][p] · bt[j][p]} for every row {@code i} and every column
     * {@code j} in {@code [fromColumn, toColumn)}; other columns of {@code c} are left alone.
     */
    void multiply(byte[] a, byte[] bt, int[] c, int m, int n, int k, int fromColumn, int toColumn);

    /** A short description for the log: which kernel, with how many lanes. */
    String description();
}
