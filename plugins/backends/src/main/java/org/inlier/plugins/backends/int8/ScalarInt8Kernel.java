package org.inlier.plugins.backends.int8;

/** The plain-Java kernel: the reference the vector kernel is tested against, and the fallback without the Vector API. */
final class ScalarInt8Kernel implements Int8Kernel {

    @Override
    public void multiply(byte[] a, byte[] bt, int[] c, int m, int n, int k, int fromColumn, int toColumn) {
        for (int i = 0; i < m; i++) {
            int aRow = i * k;
            for (int j = fromColumn; j < toColumn; j++) {
                int bRow = j * k;
                int sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += a[aRow + p] * bt[bRow + p];
                }
                c[i * n + j] = sum;
            }
        }
    }

    @Override
    public void multiplyRows(byte[] a, byte[] b, int[] c, int m, int n, int k, int fromRow, int toRow) {
        for (int i = fromRow; i < toRow; i++) {
            for (int j = 0; j < n; j++) {
                int sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = sum;
            }
        }
    }

    @Override
    public String description() {
        return "scalar Java kernel";
    }
}
