package org.inlier.plugins.backends.int8;

/** Prints the kernel choices of a fresh JVM, for {@link ScalarFallbackTest}. */
public final class KernelChoiceProbe {

    private KernelChoiceProbe() {
    }

    public static void main(String[] args) {
        Int8Gemm gemm = new Int8Gemm(1);
        int[] c = new int[1];
        gemm.multiply(new byte[] {-128, 3}, new byte[] {-128, 5}, c, 1, 1, 2);
        System.out.println(gemm.description() + " | " + c[0] + " | " + ElementwiseKernel.FASTEST.description());
    }
}
