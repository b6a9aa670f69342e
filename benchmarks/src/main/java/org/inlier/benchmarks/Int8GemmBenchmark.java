package org.inlier.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.inlier.plugins.backends.int8.Int8Gemm;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The int8-jvm integer product against ND4J's FP32 product (OpenBLAS sgemm) on the same shapes
 * in one JVM: a square 1024³ product and the linear layers of all-MiniLM-L6-v2 (hidden 384, FFN
 * 1536) at batch 1 and 32 of 128 tokens. The scalar int8 kernel (the fallback without the Vector
 * API) runs alongside at batch 1 only: elsewhere one product takes it seconds. The contenders
 * alternate run by run, so load from other processes falls on all of them alike; the ratios are
 * the figures to compare. The int8 product
 * takes B transposed, as int8-jvm stores a layer's weights; ND4J takes B as it is.
 *
 * <p>At one thread every product runs on the calling thread (OpenBLAS and {@link Int8Gemm} have
 * no workers), so its CPU time, reported beside the wall time, estimates the idle machine.
 *
 * <p>Threads: OMP_NUM_THREADS (libnd4j reads it when the JVM starts), the same for OpenBLAS and
 * {@link Int8Gemm}. The JVM needs {@code --add-modules jdk.incubator.vector}, or the "Vector API"
 * column silently measures the scalar kernel (the header line says which kernel ran):
 *
 * <pre>  benchmarks/int8-gemm.sh            # 1 then 2 threads</pre>
 *
 * <p>Argument, optional: timed runs per shape (default 15, after 5 warm-up runs). Output is
 * Markdown, ready for BENCHMARKS.md.
 */
public final class Int8GemmBenchmark {

    private static final int WARMUP = 5;

    /** A product {@code (m, k) · (k, n)} with a name saying where it occurs, and whether the scalar kernel runs it too. */
    private record Shape(String name, int m, int k, int n, boolean scalar) {

        double operations() {
            return 2.0 * m * k * n;
        }
    }

    private static final List<Shape> SHAPES = List.of(
            new Shape("square 1024³", 1024, 1024, 1024, false),
            new Shape("MiniLM q/k/v/out, batch 1 × 128", 128, 384, 384, true),
            new Shape("MiniLM fc1, batch 1 × 128", 128, 384, 1536, true),
            new Shape("MiniLM fc2, batch 1 × 128", 128, 1536, 384, true),
            new Shape("MiniLM q/k/v/out, batch 32 × 128", 4096, 384, 384, false),
            new Shape("MiniLM fc1, batch 32 × 128", 4096, 384, 1536, false),
            new Shape("MiniLM fc2, batch 32 × 128", 4096, 1536, 384, false));

    private Int8GemmBenchmark() {
    }

    /** Runs every shape and prints a Markdown table. */
    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int threads = Integer.parseInt(System.getenv().getOrDefault("OMP_NUM_THREADS", String.valueOf(Runtime.getRuntime().availableProcessors())));
        Machine.useThreads(threads);
        Int8Gemm vector = new Int8Gemm(threads);
        Int8Gemm scalar = Int8Gemm.scalar(threads);
        PrintStream out = System.out;
        out.println("## int8 GEMM, " + threads + " thread(s)");
        out.println();
        out.println(Machine.describe());
        out.println("int8-jvm: " + vector.description() + " | load average before: " + Machine.loadAverage());
        out.println();
        out.println("| product (m × k × n) | ND4J FP32 | int8 Vector API | int8 scalar | Vector API vs FP32 (wall) "
                + "| Vector API vs FP32 (thread CPU) | Vector API vs scalar (wall) |");
        out.println("|---|---|---|---|---|---|---|");
        for (Shape shape : SHAPES) {
            row(out, shape, vector, scalar, repeats, threads);
        }
        out.println();
        out.println("Median wall time per product over " + repeats + " alternating runs, with GOPS (2·m·k·n per second of wall "
                + "time); ratios are speed-ups (> 1: the Vector API kernel is faster). Load average after: " + Machine.loadAverage());
    }

    private static void row(PrintStream out, Shape s, Int8Gemm vector, Int8Gemm scalar, int repeats, int threads) {
        Random random = new Random(s.m() * 31L + s.n());
        byte[] a = new byte[s.m() * s.k()];
        byte[] bt = new byte[s.n() * s.k()];
        random.nextBytes(a);
        random.nextBytes(bt);
        int[] c = new int[s.m() * s.n()];
        INDArray fa = Nd4j.rand(DataType.FLOAT, s.m(), s.k());
        INDArray fb = Nd4j.rand(DataType.FLOAT, s.k(), s.n());
        INDArray fc = Nd4j.create(DataType.FLOAT, s.m(), s.n());
        List<Runnable> contenders = new ArrayList<>(List.of(
                () -> Nd4j.matmul(fa, fb, fc, false, false, false),
                () -> vector.multiply(a, bt, c, s.m(), s.n(), s.k())));
        if (s.scalar()) {
            contenders.add(() -> scalar.multiply(a, bt, c, s.m(), s.n(), s.k()));
        }
        Timing[] timings = {new Timing(repeats), new Timing(repeats), new Timing(repeats)};
        for (int run = -WARMUP; run < repeats; run++) {
            for (int i = 0; i < contenders.size(); i++) {
                if (run < 0) {
                    contenders.get(i).run();
                    continue;
                }
                timings[i].start();
                contenders.get(i).run();
                timings[i].stop();
            }
        }
        double fp32 = timings[0].wall.median();
        double int8 = timings[1].wall.median();
        // With workers the calling thread does only part of the work, so its CPU time says nothing.
        String cpuRatio = threads == 1
                ? String.format(Locale.ROOT, "%.2f×", timings[0].threadCpu.median() / timings[1].threadCpu.median()) : "—";
        String plain = "—";
        String plainRatio = "—";
        if (s.scalar()) {
            plain = cell(timings[2].wall.median(), s);
            plainRatio = String.format(Locale.ROOT, "%.1f×", timings[2].wall.median() / int8);
        }
        out.printf(Locale.ROOT, "| %s (%d × %d × %d) | %s | %s | %s | %.2f× | %s | %s |%n", s.name(), s.m(), s.k(), s.n(),
                cell(fp32, s), cell(int8, s), plain, fp32 / int8, cpuRatio, plainRatio);
    }

    private static String cell(double seconds, Shape s) {
        return String.format(Locale.ROOT, "%.2f ms, %.1f GOPS", seconds * 1e3, s.operations() / seconds / 1e9);
    }
}
