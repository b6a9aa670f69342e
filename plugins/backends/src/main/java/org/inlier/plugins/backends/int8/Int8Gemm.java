package org.inlier.plugins.backends.int8;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * The int8 × int8 → int32 matrix product {@code C = A · Bᵀ}, exact, on {@code threads} threads,
 * with the fastest kernel this JVM can load: the Vector API kernel when {@link VectorApi} finds the
 * module, otherwise the scalar kernel. The choice is made once, when this class loads, and
 * {@link #description()} says which was taken and why.
 */
public final class Int8Gemm {

    /** The kernel every instance uses unless given another, and why it was chosen. */
    private static final VectorApi.Choice<Int8Kernel> FASTEST = VectorApi.choose(() -> new VectorInt8Kernel(), ScalarInt8Kernel::new);
    /** Output columns per task: enough work per task (k · 64 · m products) to amortise the hand-off. */
    private static final int COLUMNS_PER_TASK = 64;
    /** Output rows per task of the untransposed form, likewise. */
    private static final int ROWS_PER_TASK = 64;
    /** The largest k whose sums cannot overflow: k · (−128)² ≤ Integer.MAX_VALUE. */
    static final int MAX_K = Integer.MAX_VALUE / (128 * 128);

    private final Int8Kernel kernel;
    private final String reason;
    private final int threads;
    private final ForkJoinPool pool;

    /** A product with the fastest available kernel on {@code threads} threads (at least 1). */
    public Int8Gemm(int threads) {
        this(FASTEST.implementation(), FASTEST.reason(), threads);
    }

    /** A product with the scalar kernel whatever the JVM offers: the reference in tests and benchmarks. */
    public static Int8Gemm scalar(int threads) {
        return new Int8Gemm(new ScalarInt8Kernel(), "chosen explicitly", threads);
    }

    private Int8Gemm(Int8Kernel kernel, String reason, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.kernel = kernel;
        this.reason = reason;
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    /**
     * Computes {@code c[i][j] = Σ_p a[i][p] · bt[j][p]}, exactly.
     *
     * @param a  {@code (m, k)} row-major
     * @param bt {@code (n, k)} row-major: B transposed, one row per output column
     * @param c  {@code (m, n)} row-major, overwritten
     * @throws IllegalArgumentException if an array's length does not match its shape, or if
     *                                  {@code k} is so large that a sum could overflow an int
     */
    public void multiply(byte[] a, byte[] bt, int[] c, int m, int n, int k) {
        checkOperands(a, "bt", bt, n, k, c, m, n, k);
        split(n, COLUMNS_PER_TASK, (from, to) -> kernel.multiply(a, bt, c, m, n, k, from, to));
    }

    /**
     * Computes {@code c[i][j] = Σ_p a[i][p] · b[p][j]}, exactly, with {@code B} as it is: the form
     * for a short {@code k} (attention's head dimension and sequence), where the dot products of
     * {@link #multiply} would spend more on reducing their lanes than on multiplying.
     *
     * @param a {@code (m, k)} row-major
     * @param b {@code (k, n)} row-major
     * @param c {@code (m, n)} row-major, overwritten
     * @throws IllegalArgumentException as {@link #multiply}
     */
    public void multiplyUntransposed(byte[] a, byte[] b, int[] c, int m, int n, int k) {
        checkOperands(a, "b", b, k, n, c, m, n, k);
        split(m, ROWS_PER_TASK, (from, to) -> kernel.multiplyRows(a, b, c, m, n, k, from, to));
    }

    /**
     * Which kernel runs, on how many threads, and why, e.g.
     * "Vector API kernel (16 int32 lanes), 2 threads; jdk.incubator.vector present".
     */
    public String description() {
        return kernel.description() + ", " + threads + (threads == 1 ? " thread; " : " threads; ") + reason;
    }

    /** Part {@code [from, to)} of the output, columns or rows. */
    private interface Part {
        void compute(int from, int to);
    }

    /** Runs {@code count} columns or rows in parts of {@code perPart} over the pool, or all at once on the calling thread. */
    private void split(int count, int perPart, Part part) {
        if (pool == null || count <= perPart) {
            part.compute(0, count);
            return;
        }
        List<ForkJoinTask<?>> tasks = new ArrayList<>();
        for (int from = 0; from < count; from += perPart) {
            int start = from;
            int end = Math.min(count, from + perPart);
            tasks.add(pool.submit(() -> part.compute(start, end)));
        }
        tasks.forEach(ForkJoinTask::join);
    }

    /** A {@code (m, k)}, the second operand {@code (rows, columns)}, C {@code (m, n)}, and a k whose sums fit an int. */
    private static void checkOperands(byte[] a, String name, byte[] b, int rows, int columns, int[] c, int m, int n, int k) {
        check("a", a.length, m, k);
        check(name, b.length, rows, columns);
        check("c", c.length, m, n);
        if (k > MAX_K) {
            throw new IllegalArgumentException("k = " + k + " could overflow int32 sums; at most " + MAX_K);
        }
    }

    private static void check(String name, int length, int rows, int columns) {
        if (rows < 0 || columns < 0 || length != (long) rows * columns) {
            throw new IllegalArgumentException(name + " has " + length + " elements, expected " + rows + " × " + columns);
        }
    }
}
