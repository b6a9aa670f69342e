package org.inlier.plugins.backends.int8;

/**
 * The product of two quantized activations, {@code C = α · Â · B̂} (attention's {@code Q Kᵀ / √d}
 * and {@code P V}), in integers, on {@link Int8Gemm#multiplyUntransposed}:
 * <pre>
 *   acc_ij = Σ_p (a_ip − z_a) · (b_pj − z_b)                                   (int32, exact)
 *   q_c,ij = clamp(z_c + round(acc_ij · α s_a s_b / s_c), qmin_c, qmax_c)      ({@link FixedPointMultiplier})
 * </pre>
 * Levels of asymmetric 8-bit grids (0..255) are shifted by −128 into int8 for {@link Int8Gemm};
 * the shifts and zero-points fold into per-row and per-column sums:
 * {@code Σ (a' + c_a)(b' + c_b) = Σ a'b' + c_b Σ a' + c_a Σ b' + k c_a c_b} with
 * {@code c = shift − z}.
 */
public final class ActivationProduct {

    private final ActivationGrid left;
    private final ActivationGrid right;
    private final double realMultiplier;
    private final Int8Gemm gemm;

    /**
     * @param left       the grid of {@code A}'s levels
     * @param right      the grid of {@code B}'s levels
     * @param multiplier {@code α}, applied to the real product (1/√d for attention scores)
     * @param gemm       the integer product to run on
     */
    public ActivationProduct(ActivationGrid left, ActivationGrid right, double multiplier, Int8Gemm gemm) {
        this.left = left;
        this.right = right;
        this.realMultiplier = multiplier * left.scale() * right.scale();
        this.gemm = gemm;
    }

    /**
     * The exact accumulators {@code acc = (A − z_a)(B − z_b)}.
     *
     * @param a {@code (m, k)} levels of the left grid
     * @param b {@code (k, n)} levels of the right grid
     * @return {@code (m, n)}
     */
    public int[] accumulators(int[] a, int[] b, int m, int n, int k) {
        int shiftA = shift(left);
        int shiftB = shift(right);
        byte[] a8 = int8(a, shiftA, left);
        byte[] b8 = int8(b, shiftB, right);
        int[] acc = new int[m * n];
        gemm.multiplyUntransposed(a8, b8, acc, m, n, k);
        int ca = shiftA - left.zeroPoint();
        int cb = shiftB - right.zeroPoint();
        // The correction c_b Σ_p a'_ip + c_a Σ_p b'_pj + k c_a c_b, as a row term plus a column term.
        int[] columnTerms = new int[n];
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                columnTerms[j] += b8[p * n + j];
            }
        }
        for (int j = 0; j < n; j++) {
            columnTerms[j] *= ca;
        }
        for (int i = 0; i < m; i++) {
            int rowSum = 0;
            for (int p = 0; p < k; p++) {
                rowSum += a8[i * k + p];
            }
            int rowTerm = cb * rowSum + k * ca * cb;
            int o = i * n;
            for (int j = 0; j < n; j++) {
                acc[o + j] += rowTerm + columnTerms[j];
            }
        }
        return acc;
    }

    /** The real value {@code α s_a s_b · acc} of accumulators, in float. */
    public float[] real(int[] acc) {
        float[] x = new float[acc.length];
        for (int i = 0; i < acc.length; i++) {
            x[i] = (float) (acc[i] * realMultiplier);
        }
        return x;
    }

    /**
     * Requantises accumulators to the output grid with an integer multiplier and shift, in place.
     *
     * @param acc {@code (m, n)} accumulators, overwritten by their levels
     */
    public void requantise(int[] acc, int n, ActivationGrid output) {
        Requantisation.perTensor(FixedPointMultiplier.of(realMultiplier / output.scale()), n, output).apply(acc);
    }

    /** 128 for grids whose levels exceed int8 (asymmetric 8-bit), 0 otherwise. */
    private static int shift(ActivationGrid grid) {
        return grid.qmax() > Byte.MAX_VALUE ? 128 : 0;
    }

    private static byte[] int8(int[] levels, int shift, ActivationGrid grid) {
        byte[] bytes = new byte[levels.length];
        if (!ElementwiseKernel.FASTEST.toInt8(levels, shift, grid.qmin(), grid.qmax(), bytes)) {
            throw new IllegalArgumentException("an operand has levels off its grid [" + grid.qmin() + ", " + grid.qmax() + "]");
        }
        return bytes;
    }
}
