package org.inlier.benchmarks;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Times one training step of {@code decoder-clm} (vanilla attention, random windows over an
 * 84-symbol vocabulary) for the quickstart size and a larger one, or of the MiniLM retrofit by
 * distillation ({@code --sizes=m}), compares it with ND4J's GEMM throughput measured in the same
 * JVM, and profiles where the step's time goes by op type.
 *
 * <p>Arguments, all optional: {@code --sizes=a,b} {@code --warmup=10} {@code --steps=30}
 * {@code --profile-warmup=5} {@code --profile-steps=10} {@code --seq-b=64} {@code --seq-m=64} {@code --threads=N}; {@code --qat=4}
 * times and profiles the step under quantization-aware training at that bit width instead, and
 * the plain step after it for the ratio.
 * Threads default to OMP_NUM_THREADS, else the available cores; libnd4j's OpenMP pool follows
 * OMP_NUM_THREADS only as set before the JVM starts, so run once per thread count with both set
 * alike ({@code benchmarks/run.sh} does):
 *
 * <pre>  cd benchmarks &amp;&amp; OMP_NUM_THREADS=1 mvn -q -o compile exec:java -Dexec.args="--threads=1"</pre>
 *
 * <p>Every figure comes as wall time and as CPU time (see {@link Timing}): on a machine others
 * load, wall time grows with their load, CPU time much less. Output is Markdown, ready for
 * BENCHMARKS.md.
 */
public final class TrainingStepBenchmark {

    /** Rows of each profile table. */
    private static final int TOP_OPS = 14;

    private final PrintStream out;
    private final Map<String, String> args;

    private TrainingStepBenchmark(PrintStream out, Map<String, String> args) {
        this.out = out;
        this.args = args;
    }

    /** Runs the benchmark and prints the report to standard output. */
    public static void main(String[] args) {
        PrintStream out = System.out;
        // SameDiff prints a line for every differentiated op through System.out.
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            new TrainingStepBenchmark(out, parse(args)).run();
        } finally {
            System.setOut(out);
        }
    }

    private void run() {
        int threads = integer("threads", Integer.parseInt(System.getenv().getOrDefault("OMP_NUM_THREADS",
                String.valueOf(Runtime.getRuntime().availableProcessors()))));
        Machine.useThreads(threads);
        out.println("## Training step benchmark, " + threads + " thread(s)");
        out.println();
        out.println("- " + Machine.describe());
        if (!String.valueOf(threads).equals(System.getenv("OMP_NUM_THREADS"))) {
            out.println("- **note**: OMP_NUM_THREADS differs from --threads; libnd4j's OpenMP pool was sized by it at start-up");
        }
        out.println("- load average (1, 5, 15 min) at start: " + Machine.loadAverage());
        GemmBaseline.Throughput ceiling = GemmBaseline.square(1024, 3, 10);
        out.printf(Locale.ROOT, "- GEMM ceiling, FP32 1024³ `Nd4j.matmul`: %.1f ms = **%.1f GFLOP/s** wall; %.1f GFLOP per calling-thread CPU second%n",
                ms(ceiling.seconds()), ceiling.gflops(), ceiling.cpuGflops());

        for (String name : args.getOrDefault("sizes", "a,b").split(",")) {
            ModelSize size = switch (name.trim()) {
                case "a" -> ModelSize.quickstart();
                case "b" -> ModelSize.larger(integer("seq-b", 64));
                case "m" -> ModelSize.miniLm(integer("seq-m", 64));
                default -> throw new IllegalArgumentException("unknown size '" + name + "'; allowed: a, b, m");
            };
            benchmark(size, ceiling, threads);
        }
        out.println();
        out.println("- load average at end: " + Machine.loadAverage());
    }

    private void benchmark(ModelSize size, GemmBaseline.Throughput ceiling, int threads) {
        int warmup = integer("warmup", 10);
        int steps = integer("steps", 30);
        int qatBits = integer("qat", 0);
        if (size.distillation() && qatBits > 0) {
            throw new IllegalArgumentException("--qat times the decoder sizes only, not " + size.name());
        }
        TrainingStep training = size.distillation() ? MiniLmDistillation.step(size.seq(), size.batch(), 42)
                : TrainingStep.decoder(size, 42, qatBits);
        StepTimes times = StepTimes.measure(training, warmup, steps, new Random(7));
        if (qatBits > 0) {
            qatOverhead(size, qatBits, times, warmup, steps);
        }
        GemmBaseline.Throughput gemms = GemmBaseline.trainingStep(size, 2, 10);

        out.println();
        out.println("### " + size);
        out.println();
        double flops = size.trainingFlops();
        out.printf(Locale.ROOT, "%d parameters (%d in matrix products); %.2f GFLOP per step = 6 × %d × %d + attention%s %.2f GFLOP; "
                        + "%d warm-up steps discarded, %d timed; JIT compiling %.1f ms per timed step; load average %s%n%n",
                training.parameterCount(), size.matmulParameters(), flops / 1e9, size.matmulParameters(), size.tokens(),
                size.distillation() ? " + teacher forward" : "", (flops - 6.0 * size.matmulParameters() * size.tokens()) / 1e9,
                warmup, steps, ms(times.jitSecondsPerStep()), Machine.loadAverage());
        out.println("| part of the step | wall median | wall p10 | wall p90 | process CPU median "
                + "| calling-thread CPU median | of which kernel (mean) |");
        out.println("|---|---:|---:|---:|---:|---:|---:|");
        row("training step (feeds+fwd+bwd+update)", times.step);
        row(size.distillation() ? "feeds (batch + teacher forward)" : "feeds (batch)", times.feeds);
        row("forward only (`sd.output`)", times.forward);
        row("forward+backward (`calculateGradientsAndOutputs`)", times.forwardBackward);
        row("optimiser (clip + AdamW)", times.update);
        out.printf(Locale.ROOT, "| backward (fwd+bwd − forward, medians) | %.1f ms | | | %.1f ms | %.1f ms | |%n",
                ms(times.forwardBackward.wall.median() - times.forward.wall.median()),
                ms(times.forwardBackward.processCpu.median() - times.forward.processCpu.median()),
                ms(times.forwardBackward.threadCpu.median() - times.forward.threadCpu.median()));
        out.println();

        // At one thread the calling thread does all the work, so its CPU time estimates an idle machine's wall time.
        boolean estimate = threads == 1;
        double wall = times.step.wall.median();
        double cpu = times.step.threadCpu.median();
        out.println(estimate ? "| derived | from wall median | idle-machine estimate (calling-thread CPU) |" : "| derived | from wall median |");
        out.println(estimate ? "|---|---:|---:|" : "|---|---:|");
        derived(estimate, "step time, ms", ms(wall), ms(cpu));
        derived(estimate, "tokens/s", size.tokens() / wall, size.tokens() / cpu);
        derived(estimate, "achieved GFLOP/s", flops / wall / 1e9, flops / cpu / 1e9);
        derived(estimate, "ratio to the 1024³ GEMM ceiling", flops / wall / 1e9 / ceiling.gflops(), flops / cpu / 1e9 / ceiling.cpuGflops());
        derived(estimate, "the step's own GEMMs alone (same shapes, fwd+bwd), ms", ms(gemms.seconds()), ms(gemms.cpuSeconds()));
        derived(estimate, "their GFLOP/s", gemms.gflops(), gemms.cpuGflops());
        derived(estimate, "step time / its GEMMs' time", wall / gemms.seconds(), cpu / gemms.cpuSeconds());
        out.printf(Locale.ROOT, "| cores the process used (process CPU / wall) | %.2f |%s%n",
                times.step.processCpu.median() / wall, estimate ? " |" : "");
        out.println();
        profile(training, new Random(11));
    }

    /**
     * Quantization-aware training's cost: the plain step of the same size timed right after the QAT
     * step in the same JVM, and the ratio of the two.
     */
    private void qatOverhead(ModelSize size, int bits, StepTimes qat, int warmup, int steps) {
        StepTimes plain = StepTimes.measure(TrainingStep.decoder(size, 42), warmup, steps, new Random(7));
        out.println();
        out.println("### QAT overhead, " + size + ": " + bits + "-bit linear inputs with learned bounds, weights per channel");
        out.println();
        out.println("| step | wall median | calling-thread CPU median |");
        out.println("|---|---:|---:|");
        out.printf(Locale.ROOT, "| plain | %.1f ms | %.1f ms |%n", ms(plain.step.wall.median()), ms(plain.step.threadCpu.median()));
        out.printf(Locale.ROOT, "| QAT | %.1f ms | %.1f ms |%n", ms(qat.step.wall.median()), ms(qat.step.threadCpu.median()));
        out.printf(Locale.ROOT, "| **QAT / plain** | **%.2f×** | **%.2f×** |%n", qat.step.wall.median() / plain.step.wall.median(),
                qat.step.threadCpu.median() / plain.step.threadCpu.median());
    }

    private void derived(boolean estimate, String label, double fromWall, double fromCpu) {
        String format = Math.abs(fromWall) >= 100 ? "%.0f" : "%.2f";
        out.printf(Locale.ROOT, "| %s | " + format + " |%s%n", label, fromWall,
                estimate ? String.format(Locale.ROOT, " " + format + " |", fromCpu) : "");
    }

    /** Where the time of the forward-only and the forward+backward calls goes, by op type. */
    private void profile(TrainingStep training, Random random) {
        int calls = integer("profile-steps", 10);
        int warmup = integer("profile-warmup", 5);
        CallProfile inference = CallProfile.run(training, warmup, calls, random, training::forward);
        CallProfile gradients = CallProfile.run(training, warmup, calls, random, training::forwardBackward);
        out.println("Profile (op listener, " + warmup + " calls discarded, " + calls
                + " measured each; CPU = the calling thread, which runs all the work at one thread):");
        out.println();
        out.println("| call (medians) | wall ms | CPU ms | of which kernel (mean) | ops | CPU ms in ops "
                + "| CPU ms between ops (SameDiff) | share between | µs CPU between, per op |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        summary("`output` (forward)", inference);
        summary("`calculateGradientsAndOutputs`", gradients);
        out.println();
        List<OpTimer.OpTotal> types = gradients.ops.byType();
        double[] forward = phaseTotal(types, "forward", calls);
        double[] backward = phaseTotal(types, "backward", calls);
        out.printf(Locale.ROOT, "In `calculateGradientsAndOutputs`: %.0f forward ops, %.1f ms wall / %.1f ms CPU; "
                        + "%.0f backward ops, %.1f ms wall / %.1f ms CPU.%n%n",
                forward[0], ms(forward[1]), ms(forward[2]), backward[0], ms(backward[1]), ms(backward[2]));
        // Op totals are sums over all calls, so shares are taken of the mean call, not the median.
        double meanCallCpu = gradients.call.threadCpu.mean();
        opTable(List.of("phase", "op type"), types, calls, meanCallCpu, t -> List.of(t.phase(), t.opType()));
        out.println();
        opTable(List.of("phase", "op", "inputs (* = strided view)"), gradients.ops.byMatmulShape(), calls, meanCallCpu,
                t -> List.of(t.phase(), t.opType(), t.inputs()));
    }

    private void summary(String label, CallProfile profile) {
        double cpu = profile.call.threadCpu.median();
        double between = profile.betweenCpu.median();
        double ops = profile.opsPerCall();
        out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.0f | %.1f | %.1f | %.0f%% | %.0f |%n", label,
                ms(profile.call.wall.median()), ms(cpu), ms(profile.call.meanThreadKernelSeconds()),
                ops, ms(profile.inOpsCpu.median()), ms(between), 100 * between / cpu, 1e6 * between / ops);
    }

    /** Ops, wall seconds and CPU seconds per step of one phase. */
    private static double[] phaseTotal(List<OpTimer.OpTotal> totals, String phase, int steps) {
        double[] sum = new double[3];
        totals.stream().filter(t -> t.phase().equals(phase)).forEach(t -> {
            sum[0] += t.calls() / (double) steps;
            sum[1] += t.nanos() / 1e9 / steps;
            sum[2] += t.cpuNanos() / 1e9 / steps;
        });
        return sum;
    }

    /** The top rows of {@code totals}, per call and as a share of the mean forward+backward call's CPU time. */
    private void opTable(List<String> keyColumns, List<OpTimer.OpTotal> totals, int calls, double meanCallCpu,
                         Function<OpTimer.OpTotal, List<String>> key) {
        out.println("| " + String.join(" | ", keyColumns) + " | calls/step | wall ms/step | CPU ms/step | % of the call's CPU |");
        out.println("|" + "---|".repeat(keyColumns.size()) + "---:|---:|---:|---:|");
        totals.stream().limit(TOP_OPS).forEach(t -> {
            double cpu = t.cpuNanos() / 1e9 / calls;
            out.printf(Locale.ROOT, "| %s | %.0f | %.2f | %.2f | %.1f%% |%n", String.join(" | ", key.apply(t)),
                    t.calls() / (double) calls, ms(t.nanos() / 1e9 / calls), ms(cpu), 100 * cpu / meanCallCpu);
        });
    }

    private void row(String label, Timing timing) {
        out.printf(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n", label, ms(timing.wall.median()),
                ms(timing.wall.percentile(10)), ms(timing.wall.percentile(90)), ms(timing.processCpu.median()),
                ms(timing.threadCpu.median()), ms(timing.meanThreadKernelSeconds()));
    }

    private int integer(String name, int fallback) {
        return args.containsKey(name) ? Integer.parseInt(args.get(name)) : fallback;
    }

    private static double ms(double seconds) {
        return seconds * 1e3;
    }

    /** {@code --name=value} pairs. */
    private static Map<String, String> parse(String[] args) {
        Map<String, String> parsed = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
            }
            parsed.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return parsed;
    }
}
