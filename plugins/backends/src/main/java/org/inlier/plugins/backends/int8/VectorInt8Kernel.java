package org.inlier.plugins.backends.int8;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The JDK Vector API kernel: int8 lanes are widened to int32 (B2I) and multiplied and added in
 * the widest int vectors the processor has (16 lanes with AVX-512). A 4 × 4 block of outputs is
 * computed at once, so each widened row of A is used against four rows of Bᵀ and vice versa:
 * 8 widenings for 16 multiply-adds instead of 2 for 1. Leftover rows, columns and the tail of
 * {@code k} beyond a multiple of the lane count take single dot products and scalar code. The
 * untransposed form ({@link #multiplyRows}) needs no reduction: each widened segment of a row of B
 * is multiplied by one element of each of four rows of A and added to their four accumulators.
 *
 * <p>The 16 accumulators are reduced with {@code reduceLanes} written out in {@link #block}, not
 * through a helper method: on JDK 17, C2 does not inline such a helper into this large method, and
 * passing a vector to a call that is not inlined boxes it — 16 boxes per block, 96 MiB allocated
 * per 1024³ product, which halved the speed (53 → 132 GOPS at 1024³, 30 → 118 GOPS at MiniLM's
 * 128 × 384 × 384, one thread, thread CPU time; BENCHMARKS.md). The kernel now allocates nothing.
 *
 * <p>Loading this class needs {@code jdk.incubator.vector} (started with
 * {@code --add-modules jdk.incubator.vector}); {@link Int8Gemm} falls back to
 * {@link ScalarInt8Kernel} without it.
 */
final class VectorInt8Kernel implements Int8Kernel {

    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    /** As many bytes as there are int lanes, so one widening fills one int vector. */
    private static final VectorSpecies<Byte> BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(INTS.length() * Byte.SIZE));
    private static final int LANES = INTS.length();
    private static final int BLOCK = 4;

    @Override
    public void multiply(byte[] a, byte[] bt, int[] c, int m, int n, int k, int fromColumn, int toColumn) {
        int vectorK = k - k % LANES;
        int blockColumns = fromColumn + (toColumn - fromColumn) / BLOCK * BLOCK;
        int blockRows = m / BLOCK * BLOCK;
        for (int j = fromColumn; j < blockColumns; j += BLOCK) {
            for (int i = 0; i < blockRows; i += BLOCK) {
                block(a, bt, c, n, k, vectorK, i, j);
            }
            for (int i = blockRows; i < m; i++) {
                for (int jj = j; jj < j + BLOCK; jj++) {
                    c[i * n + jj] = dot(a, i * k, bt, jj * k, k, vectorK);
                }
            }
        }
        for (int j = blockColumns; j < toColumn; j++) {
            for (int i = 0; i < m; i++) {
                c[i * n + j] = dot(a, i * k, bt, j * k, k, vectorK);
            }
        }
    }

    /** The 4 × 4 outputs of rows {@code i..i+3} and columns {@code j..j+3}. */
    private static void block(byte[] a, byte[] bt, int[] c, int n, int k, int vectorK, int i, int j) {
        int a0 = i * k;
        int a1 = a0 + k;
        int a2 = a1 + k;
        int a3 = a2 + k;
        int b0 = j * k;
        int b1 = b0 + k;
        int b2 = b1 + k;
        int b3 = b2 + k;
        IntVector c00 = IntVector.zero(INTS), c01 = IntVector.zero(INTS), c02 = IntVector.zero(INTS), c03 = IntVector.zero(INTS);
        IntVector c10 = IntVector.zero(INTS), c11 = IntVector.zero(INTS), c12 = IntVector.zero(INTS), c13 = IntVector.zero(INTS);
        IntVector c20 = IntVector.zero(INTS), c21 = IntVector.zero(INTS), c22 = IntVector.zero(INTS), c23 = IntVector.zero(INTS);
        IntVector c30 = IntVector.zero(INTS), c31 = IntVector.zero(INTS), c32 = IntVector.zero(INTS), c33 = IntVector.zero(INTS);
        for (int p = 0; p < vectorK; p += LANES) {
            IntVector x0 = widen(a, a0 + p);
            IntVector x1 = widen(a, a1 + p);
            IntVector x2 = widen(a, a2 + p);
            IntVector x3 = widen(a, a3 + p);
            IntVector y = widen(bt, b0 + p);
            c00 = c00.add(x0.mul(y));
            c10 = c10.add(x1.mul(y));
            c20 = c20.add(x2.mul(y));
            c30 = c30.add(x3.mul(y));
            y = widen(bt, b1 + p);
            c01 = c01.add(x0.mul(y));
            c11 = c11.add(x1.mul(y));
            c21 = c21.add(x2.mul(y));
            c31 = c31.add(x3.mul(y));
            y = widen(bt, b2 + p);
            c02 = c02.add(x0.mul(y));
            c12 = c12.add(x1.mul(y));
            c22 = c22.add(x2.mul(y));
            c32 = c32.add(x3.mul(y));
            y = widen(bt, b3 + p);
            c03 = c03.add(x0.mul(y));
            c13 = c13.add(x1.mul(y));
            c23 = c23.add(x2.mul(y));
            c33 = c33.add(x3.mul(y));
        }
        int r0 = i * n + j;
        int r1 = r0 + n;
        int r2 = r1 + n;
        int r3 = r2 + n;
        c[r0] = c00.reduceLanes(VectorOperators.ADD);
        c[r0 + 1] = c01.reduceLanes(VectorOperators.ADD);
        c[r0 + 2] = c02.reduceLanes(VectorOperators.ADD);
        c[r0 + 3] = c03.reduceLanes(VectorOperators.ADD);
        c[r1] = c10.reduceLanes(VectorOperators.ADD);
        c[r1 + 1] = c11.reduceLanes(VectorOperators.ADD);
        c[r1 + 2] = c12.reduceLanes(VectorOperators.ADD);
        c[r1 + 3] = c13.reduceLanes(VectorOperators.ADD);
        c[r2] = c20.reduceLanes(VectorOperators.ADD);
        c[r2 + 1] = c21.reduceLanes(VectorOperators.ADD);
        c[r2 + 2] = c22.reduceLanes(VectorOperators.ADD);
        c[r2 + 3] = c23.reduceLanes(VectorOperators.ADD);
        c[r3] = c30.reduceLanes(VectorOperators.ADD);
        c[r3 + 1] = c31.reduceLanes(VectorOperators.ADD);
        c[r3 + 2] = c32.reduceLanes(VectorOperators.ADD);
        c[r3 + 3] = c33.reduceLanes(VectorOperators.ADD);
        if (vectorK < k) {
            for (int r = 0; r < BLOCK; r++) {
                for (int q = 0; q < BLOCK; q++) {
                    c[(i + r) * n + j + q] += tail(a, (i + r) * k, bt, (j + q) * k, vectorK, k);
                }
            }
        }
    }

    @Override
    public void multiplyRows(byte[] a, byte[] b, int[] c, int m, int n, int k, int fromRow, int toRow) {
        int vectorN = n - n % LANES;
        int blockRows = fromRow + (toRow - fromRow) / BLOCK * BLOCK;
        for (int i = fromRow; i < blockRows; i += BLOCK) {
            for (int j = 0; j < vectorN; j += LANES) {
                rowBlock(a, b, c, n, k, i, j);
            }
        }
        for (int i = blockRows; i < toRow; i++) {
            for (int j = 0; j < vectorN; j += LANES) {
                IntVector acc = IntVector.zero(INTS);
                for (int p = 0; p < k; p++) {
                    acc = acc.add(widen(b, p * n + j).mul(a[i * k + p]));
                }
                acc.intoArray(c, i * n + j);
            }
        }
        for (int i = fromRow; i < toRow; i++) {
            for (int j = vectorN; j < n; j++) {
                int sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = sum;
            }
        }
    }

    /** Rows {@code i..i+3}, columns {@code j..j+LANES−1}: each widened row segment of B scaled by four elements of A. */
    private static void rowBlock(byte[] a, byte[] b, int[] c, int n, int k, int i, int j) {
        int a0 = i * k;
        int a1 = a0 + k;
        int a2 = a1 + k;
        int a3 = a2 + k;
        IntVector c0 = IntVector.zero(INTS), c1 = IntVector.zero(INTS), c2 = IntVector.zero(INTS), c3 = IntVector.zero(INTS);
        for (int p = 0; p < k; p++) {
            IntVector y = widen(b, p * n + j);
            c0 = c0.add(y.mul(a[a0 + p]));
            c1 = c1.add(y.mul(a[a1 + p]));
            c2 = c2.add(y.mul(a[a2 + p]));
            c3 = c3.add(y.mul(a[a3 + p]));
        }
        c0.intoArray(c, i * n + j);
        c1.intoArray(c, (i + 1) * n + j);
        c2.intoArray(c, (i + 2) * n + j);
        c3.intoArray(c, (i + 3) * n + j);
    }

    /** One dot product of a row of A and a row of Bᵀ, each starting at its offset. */
    private static int dot(byte[] a, int aRow, byte[] bt, int bRow, int k, int vectorK) {
        IntVector acc = IntVector.zero(INTS);
        for (int p = 0; p < vectorK; p += LANES) {
            acc = acc.add(widen(a, aRow + p).mul(widen(bt, bRow + p)));
        }
        return acc.reduceLanes(VectorOperators.ADD) + tail(a, aRow, bt, bRow, vectorK, k);
    }

    private static IntVector widen(byte[] array, int offset) {
        return (IntVector) ByteVector.fromArray(BYTES, array, offset).convertShape(VectorOperators.B2I, INTS, 0);
    }

    /** The products from {@code vectorK} to {@code k} that do not fill a vector. */
    private static int tail(byte[] a, int aRow, byte[] bt, int bRow, int vectorK, int k) {
        int sum = 0;
        for (int p = vectorK; p < k; p++) {
            sum += a[aRow + p] * bt[bRow + p];
        }
        return sum;
    }

    @Override
    public String description() {
        return "Vector API kernel (" + LANES + " int32 lanes)";
    }
}
