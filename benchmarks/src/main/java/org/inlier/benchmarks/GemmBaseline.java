package org.inlier.benchmarks;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * FP32 matrix-product throughput of ND4J in this JVM, the ceiling a training step is compared
 * with: a square 1024³ product, and the exact set of products one training step of a model
 * runs (each forward product and its two backward products, {@code dA = dC·Bᵀ} and
 * {@code dB = Aᵀ·dC}) through the same {@code matmul} op SameDiff uses, on preallocated arrays.
 * The second is what a step would cost if everything but the GEMMs were free.
 */
public final class GemmBaseline {

    private GemmBaseline() {
    }

    /** Median seconds and GFLOP/s of a square {@code size³} product over {@code repeats} runs after warm-up. */
    public static Throughput square(int size, int warmup, int repeats) {
        Gemm gemm = new Gemm(1, size, size, size);
        Runnable product = forward(gemm);
        return time(product, gemm.flops(), warmup, repeats);
    }

    /** Median seconds and GFLOP/s of all forward and backward products of one training step, and the teacher's forward ones. */
    public static Throughput trainingStep(ModelSize size, int warmup, int repeats) {
        List<Runnable> products = new ArrayList<>();
        double flops = 0;
        for (Gemm gemm : size.forwardGemms()) {
            products.add(forward(gemm));
            products.addAll(backward(gemm));
            flops += 3 * gemm.flops();
        }
        for (Gemm gemm : size.teacherGemms()) {
            products.add(forward(gemm));
            flops += gemm.flops();
        }
        return time(() -> products.forEach(Runnable::run), flops, warmup, repeats);
    }

    /**
     * Time per run and the throughput it implies.
     *
     * @param seconds    median wall seconds per run
     * @param cpuSeconds median CPU seconds of the calling thread per run (all the work at one thread)
     * @param flops      FLOPs per run
     */
    public record Throughput(double seconds, double cpuSeconds, double flops) {

        /** Achieved GFLOP/s of wall time. */
        public double gflops() {
            return flops / seconds / 1e9;
        }

        /** GFLOP per calling-thread CPU second: at one thread, what an idle machine would give. */
        public double cpuGflops() {
            return flops / cpuSeconds / 1e9;
        }
    }

    private static Throughput time(Runnable run, double flops, int warmup, int repeats) {
        for (int i = 0; i < warmup; i++) {
            run.run();
        }
        Timing timing = new Timing(repeats);
        for (int i = 0; i < repeats; i++) {
            timing.start();
            run.run();
            timing.stop();
        }
        return new Throughput(timing.wall.median(), timing.threadCpu.median(), flops);
    }

    private static Runnable forward(Gemm g) {
        INDArray a = random(g.batch(), g.m(), g.k());
        INDArray b = random(g.batch(), g.k(), g.n());
        INDArray c = Nd4j.create(DataType.FLOAT, shape(g.batch(), g.m(), g.n()));
        return () -> Nd4j.matmul(a, b, c, false, false, false);
    }

    private static List<Runnable> backward(Gemm g) {
        INDArray a = random(g.batch(), g.m(), g.k());
        INDArray b = random(g.batch(), g.k(), g.n());
        INDArray dc = random(g.batch(), g.m(), g.n());
        INDArray da = Nd4j.create(DataType.FLOAT, shape(g.batch(), g.m(), g.k()));
        INDArray db = Nd4j.create(DataType.FLOAT, shape(g.batch(), g.k(), g.n()));
        return List.of(
                () -> Nd4j.matmul(dc, b, da, false, true, false),  // dA = dC · Bᵀ
                () -> Nd4j.matmul(a, dc, db, true, false, false)); // dB = Aᵀ · dC
    }

    private static INDArray random(int batch, int rows, int columns) {
        return Nd4j.rand(DataType.FLOAT, shape(batch, rows, columns));
    }

    /** Rank 2 for a single product, rank 3 for a batch (the graph's (B, H, ·, ·) arrays with B·H merged). */
    private static long[] shape(int batch, int rows, int columns) {
        return batch == 1 ? new long[] {rows, columns} : new long[] {batch, rows, columns};
    }
}
