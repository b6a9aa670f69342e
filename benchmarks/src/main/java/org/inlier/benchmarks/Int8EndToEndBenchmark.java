package org.inlier.benchmarks;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.inlier.api.data.Split;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.plugins.backends.int8.Int8Gemm;
import org.inlier.plugins.backends.int8.QuantizedModelFile;
import org.inlier.plugins.backends.int8.model.Architecture;
import org.inlier.plugins.backends.int8.model.IntegerTransformer;
import org.inlier.runtime.config.PipelineConfig;
import org.inlier.runtime.config.PipelineLoader;
import org.inlier.runtime.config.PipelineValidator;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.plugins.PluginDiscovery;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.stages.PipelineRunner;
import org.inlier.runtime.stages.RunContext;
import org.inlier.runtime.stages.StageCatalog;
import org.inlier.runtime.train.TokenWindows;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * all-MiniLM-L6-v2 end to end at sequence 128: the float model's SameDiff forward pass (ND4J FP32,
 * OpenBLAS) against int8-jvm's {@link IntegerTransformer} on the W8A8 and W4A8 models a real
 * calibrate + quantize pipeline writes, at batch 1 and batch 32, one thread. The contenders
 * alternate run by run on the same batches of Brown-corpus sentences, so others' load falls on all
 * alike; the calling thread's CPU time (all the work at one thread) is the figure to compare.
 * Memory: the bytes of each model's parameters as held (FP32: every float array, 4 bytes each;
 * int8-jvm: {@link IntegerTransformer#parameterBytes()}) and the files on disk.
 *
 * <p>Run with {@code OMP_NUM_THREADS=1} and {@code --add-modules jdk.incubator.vector}; arguments,
 * optional: {@code --runs=N} timed runs per batch size (default 7 at batch 1, 3 at batch 32, after
 * 20 and 2 warm-up runs), {@code --cache=DIR}. Output is Markdown.
 */
public final class Int8EndToEndBenchmark {

    private static final int SEQ = 128;
    private static final int HEADS = 12;
    /** Warm-up runs at batch 1: enough for C2 to compile int8-jvm's Java code (its first ten passes run slower). */
    private static final int WARMUP_BATCH_1 = 20;
    /** Warm-up runs at batch 32, after batch 1 has warmed everything up. */
    private static final int WARMUP_BATCH_32 = 2;

    private static final String PIPELINE = """
            name: int8-end-to-end
            seed: 1
            model: { family: bert-onnx, seq: 128 }
            data: { set: brown-sentences, seq: 128, max_sentences: 512 }
            backend: { id: int8-jvm, threads: 1 }
            stages:
              - calibrate: { batches: 8, batch: 16 }
              - quantize: { weights: { bits: 8, granularity: channel }, activations: { bits: 8 } }
              - evaluate: { batches: 4, batch: 16, probe: { train: 0 } }
              - quantize: { weights: { bits: 4, granularity: channel }, activations: { bits: 8 } }
              - evaluate: { batches: 4, batch: 16, probe: { train: 0 } }
            """;

    private Int8EndToEndBenchmark() {
    }

    /** Runs the pipeline, then the timings, and prints the report. */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        Path cache = Path.of(options.getOrDefault("cache", System.getProperty("user.home") + "/.cache/inlier"));
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream())); // SameDiff's chatter
        Machine.useThreads(1);
        PluginRegistry plugins = PluginDiscovery.discover(null);
        PipelineConfig config = PipelineValidator.validate(PipelineLoader.parse(PIPELINE, "int8-end-to-end", "int8-end-to-end"),
                "int8-end-to-end", "int8-end-to-end", plugins, StageCatalog.builtIn());
        Path dir = Files.createTempDirectory("int8-end-to-end");
        RunContext run = new RunContext("int8-end-to-end", dir, cache, config, plugins, (type, data) -> { });
        long pipelineStart = System.nanoTime();
        new PipelineRunner(StageCatalog.builtIn()).run(run);
        double pipelineSeconds = (System.nanoTime() - pipelineStart) / 1e9;

        out.println("## int8-jvm end to end: all-MiniLM-L6-v2, sequence 128, 1 thread");
        out.println();
        out.println("- " + Machine.describe());
        out.println("- load average (1, 5, 15 min) at start of timing: " + Machine.loadAverage());
        out.printf(Locale.ROOT, "- pipeline (calibrate 8 × 16, quantize W8A8 and W4A8, evaluate 4 × 16 each, simulated and on int8-jvm): %.0f s%n",
                pipelineSeconds);
        out.println();
        out.println("Quality (evaluate stages, test split, 64 windows of 128 tokens):");
        out.println();
        out.println("| precision | output SQNR vs FP32 (dB) | pooled cosine vs FP32 | seconds per batch of 16 |");
        out.println("|---|---:|---:|---:|");
        Object quality = run.report().sections().get("quality");
        if (quality instanceof List<?> rows) {
            for (Object r : rows) {
                Map<?, ?> row = (Map<?, ?>) r;
                out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", row.get("precision"), number(row.get("output_sqnr_db"), "%.2f"),
                        number(row.get("pooled_cosine"), "%.5f"), number(row.get("seconds_per_batch"), "%.2f"));
            }
        }
        out.println();

        ModelGraph fp = run.buildModel(new SiteRecorder(SiteInstrumentation.NONE), false);
        Int8Gemm gemm = new Int8Gemm(1);
        Path w8 = dir.resolve("quantized-w8a8.zip");
        Path w4 = dir.resolve("quantized-w4a8.zip");
        IntegerTransformer int8 = new IntegerTransformer(QuantizedModelFile.load(w8), Architecture.POST_LN_ENCODER, HEADS, gemm);
        IntegerTransformer int4 = new IntegerTransformer(QuantizedModelFile.load(w4), Architecture.POST_LN_ENCODER, HEADS, gemm);

        long fpBytes = 0;
        for (INDArray w : run.weights().values()) {
            fpBytes += 4 * w.length();
        }
        out.println("Memory and files:");
        out.println();
        out.println("| model | parameters held | vs FP32 | file |");
        out.println("|---|---:|---:|---|");
        out.printf(Locale.ROOT, "| FP32 (ND4J) | %.1f MiB | 1.00× | bundled ONNX file %.1f MiB |%n", mib(fpBytes), mib(onnxBytes()));
        out.printf(Locale.ROOT, "| W8A8 (int8-jvm) | %.1f MiB | %.2f× | quantized-w8a8.zip %.1f MiB (integer weights + the float model) |%n",
                mib(int8.parameterBytes()), (double) int8.parameterBytes() / fpBytes, mib(Files.size(w8)));
        out.printf(Locale.ROOT, "| W4A8 (int8-jvm, int4 packed) | %.1f MiB | %.2f× | quantized-w4a8.zip %.1f MiB (integer weights + the float model) |%n",
                mib(int4.parameterBytes()), (double) int4.parameterBytes() / fpBytes, mib(Files.size(w4)));
        out.println();

        TokenWindows windows = TokenWindows.of(run.corpus(), Split.TEST, SEQ + 1);
        out.println("| batch × 128 tokens | ND4J FP32 (SameDiff) | int8-jvm W8A8 | int8-jvm W4A8 | W8A8 vs FP32 (thread CPU) | W8A8 vs FP32 (wall) | W4A8 vs FP32 (thread CPU) |");
        out.println("|---|---|---|---|---:|---:|---:|");
        for (int batch : new int[] {1, 32}) {
            int runs = Integer.parseInt(options.getOrDefault("runs", batch == 1 ? "7" : "3"));
            Map<String, INDArray> feeds = run.family().batch(windows.sequential(0, batch), run.config().model().options(),
                    run.corpus().tokenizer().vocabSize(), false, new Random(1));
            List<Runnable> contenders = List.of(
                    () -> fp.sd().output(feeds, fp.output()),
                    () -> int8.output(feeds),
                    () -> int4.output(feeds));
            List<Timing> timings = new ArrayList<>();
            contenders.forEach(c -> timings.add(new Timing(runs)));
            for (int r = batch == 1 ? -WARMUP_BATCH_1 : -WARMUP_BATCH_32; r < runs; r++) {
                for (int i = 0; i < contenders.size(); i++) {
                    if (r >= 0) {
                        timings.get(i).start();
                    }
                    contenders.get(i).run();
                    if (r >= 0) {
                        timings.get(i).stop();
                    }
                }
            }
            double tokens = (double) batch * SEQ;
            out.printf(Locale.ROOT, "| %d | %s | %s | %s | **%.2f×** | %.2f× | %.2f× |%n", batch, cell(timings.get(0), tokens),
                    cell(timings.get(1), tokens), cell(timings.get(2), tokens),
                    timings.get(0).threadCpu.median() / timings.get(1).threadCpu.median(),
                    timings.get(0).wall.median() / timings.get(1).wall.median(),
                    timings.get(0).threadCpu.median() / timings.get(2).threadCpu.median());
        }
        out.println();
        out.println("Cells: median wall time per batch (thread CPU time), tokens per second of wall time. "
                + "Load average at end: " + Machine.loadAverage() + "; process RSS at end: " + rssMib() + " MiB (all three models loaded).");
        System.setOut(out);
    }

    private static String cell(Timing t, double tokens) {
        return String.format(Locale.ROOT, "%.1f ms (%.1f ms CPU), %.0f tok/s", t.wall.median() * 1e3, t.threadCpu.median() * 1e3,
                tokens / t.wall.median());
    }

    private static String number(Object value, String format) {
        return value instanceof Number n ? String.format(Locale.ROOT, format, n.doubleValue()) : "—";
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    /** The bundled all-MiniLM-L6-v2 ONNX file's size. */
    private static long onnxBytes() throws Exception {
        try (var in = Int8EndToEndBenchmark.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            return in == null ? -1 : in.transferTo(OutputStream.nullOutputStream());
        }
    }

    /** The process's resident set from /proc, or −1 where there is none. */
    private static long rssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }
}
