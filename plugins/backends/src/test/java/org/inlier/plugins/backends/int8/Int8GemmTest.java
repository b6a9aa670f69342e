package org.inlier.plugins.backends.int8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Int8GemmTest {

    /** The definition, summed in long so that an int overflow in a kernel cannot go unnoticed. */
    private static long[] reference(byte[] a, byte[] bt, int m, int n, int k) {
        long[] c = new long[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                long sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += (long) a[i * k + p] * bt[j * k + p];
                }
                c[i * n + j] = sum;
            }
        }
        return c;
    }

    private static byte[] random(Random random, int length) {
        byte[] values = new byte[length];
        random.nextBytes(values);
        return values;
    }

    private static long[] widened(int[] c) {
        return Arrays.stream(c).asLongStream().toArray();
    }

    @Test
    void theVectorKernelRunsUnderSurefire() {
        assertThat(new Int8Gemm(1).description()).startsWith("Vector API kernel").endsWith("jdk.incubator.vector present");
    }

    @Test
    void aHandComputedProductIsExactInBothForms() {
        byte[] a = {1, -2, 3, 4, 5, -6};       // (2, 3)
        byte[] bt = {7, 8, 9, -1, 0, 127};     // (2, 3): columns (7, 8, 9) and (−1, 0, 127)
        byte[] b = {7, -1, 8, 0, 9, 127};      // (3, 2): the same columns
        int[] transposedForm = new int[4];
        int[] untransposedForm = new int[4];

        new Int8Gemm(1).multiply(a, bt, transposedForm, 2, 2, 3);
        new Int8Gemm(1).multiplyUntransposed(a, b, untransposedForm, 2, 2, 3);

        // 7 − 16 + 27 = 18; −1 + 381 = 380; 28 + 40 − 54 = 14; −4 − 762 = −766.
        assertThat(transposedForm).containsExactly(18, 380, 14, -766);
        assertThat(untransposedForm).containsExactly(18, 380, 14, -766);
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} threads={3}")
    @CsvSource({
        "1, 1, 1, 1",
        "3, 5, 7, 1",       // smaller than one block and one vector
        "4, 4, 16, 1",      // exactly one block, one vector
        "9, 70, 33, 1",     // leftover rows, columns and k
        "17, 131, 100, 2",  // several tasks with a partial last one
        "64, 384, 384, 2"})
    void bothKernelsEqualTheDefinitionOnRandomValues(int m, int n, int k, int threads) {
        Random random = new Random(31L * m + n + k);
        byte[] a = random(random, m * k);
        byte[] bt = random(random, n * k);
        int[] vector = new int[m * n];
        int[] scalar = new int[m * n];

        new Int8Gemm(threads).multiply(a, bt, vector, m, n, k);
        Int8Gemm.scalar(threads).multiply(a, bt, scalar, m, n, k);

        long[] expected = reference(a, bt, m, n, k);
        assertThat(widened(vector)).containsExactly(expected);
        assertThat(widened(scalar)).containsExactly(expected);
    }

    /** B as it is, {@code (k, n)}, read as the transposed operand of {@link #reference}. */
    private static byte[] transposed(byte[] b, int k, int n) {
        byte[] bt = new byte[b.length];
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                bt[j * k + p] = b[p * n + j];
            }
        }
        return bt;
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} threads={3}")
    @CsvSource({
        "1, 1, 1, 1",
        "3, 5, 7, 1",       // smaller than one block and one vector
        "4, 16, 1, 1",      // exactly one block of one vector
        "9, 70, 33, 1",     // leftover rows and columns
        "128, 128, 32, 1",  // attention scores of one head: Q Kᵀ
        "128, 32, 128, 1",  // and its context: P V
        "131, 48, 20, 2"})  // several tasks with a partial last one
    void bothKernelsEqualTheDefinitionUntransposed(int m, int n, int k, int threads) {
        Random random = new Random(17L * m + n + k);
        byte[] a = random(random, m * k);
        byte[] b = random(random, k * n);
        int[] vector = new int[m * n];
        int[] scalar = new int[m * n];

        new Int8Gemm(threads).multiplyUntransposed(a, b, vector, m, n, k);
        Int8Gemm.scalar(threads).multiplyUntransposed(a, b, scalar, m, n, k);

        long[] expected = reference(a, transposed(b, k, n), m, n, k);
        assertThat(widened(vector)).containsExactly(expected);
        assertThat(widened(scalar)).containsExactly(expected);
    }

    @Test
    void minus128TimesMinus128AccumulatesWithoutOverflowUpToTheLargestK() {
        int k = Int8Gemm.MAX_K - 3; // not a multiple of the lane count
        int m = 5;
        int n = 6;
        byte[] a = new byte[m * k];
        byte[] bt = new byte[n * k];
        Arrays.fill(a, Byte.MIN_VALUE);
        Arrays.fill(bt, Byte.MIN_VALUE);
        int[] c = new int[m * n];

        new Int8Gemm(1).multiply(a, bt, c, m, n, k);

        int[] expected = new int[m * n];
        Arrays.fill(expected, k * 128 * 128); // 2 147 434 496 ≤ 2^31 − 1
        assertThat(c).containsExactly(expected);
    }

    @Test
    void mixedExtremesGiveTheMostNegativeSums() {
        int k = 1000;
        byte[] a = new byte[4 * k];
        byte[] bt = new byte[4 * k];
        Arrays.fill(a, Byte.MIN_VALUE);
        Arrays.fill(bt, Byte.MAX_VALUE);
        int[] c = new int[16];

        new Int8Gemm(1).multiply(a, bt, c, 4, 4, k);

        int[] expected = new int[16];
        Arrays.fill(expected, -128 * 127 * k);
        assertThat(c).containsExactly(expected);
    }

    @Test
    void rejectsShapesThatDoNotMatchTheArraysAndAKThatCouldOverflow() {
        Int8Gemm gemm = new Int8Gemm(1);
        assertThatThrownBy(() -> gemm.multiply(new byte[6], new byte[6], new int[4], 2, 2, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a has 6 elements, expected 2 × 4");
        int k = Int8Gemm.MAX_K + 1;
        assertThatThrownBy(() -> gemm.multiply(new byte[k], new byte[k], new int[1], 1, 1, k))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("k = " + k + " could overflow int32 sums; at most " + Int8Gemm.MAX_K);
        assertThatThrownBy(() -> gemm.multiplyUntransposed(new byte[8], new byte[6], new int[4], 2, 2, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("b has 6 elements, expected 4 × 2");
        assertThatThrownBy(() -> new Int8Gemm(0)).hasMessage("threads must be at least 1, got 0");
    }
}
