package org.inlier.benchmarks;

/**
 * A (batched) matrix product {@code C[b] = A[b] · B[b]} with {@code A: m×k}, {@code B: k×n}.
 *
 * @param batch independent products (B·H for attention, 1 for the linear layers)
 * @param m     rows of A and C
 * @param k     the contracted dimension
 * @param n     columns of B and C
 */
public record Gemm(int batch, int m, int k, int n) {

    /** Multiply-adds counted as two FLOPs. */
    public double flops() {
        return 2.0 * batch * m * k * n;
    }
}
