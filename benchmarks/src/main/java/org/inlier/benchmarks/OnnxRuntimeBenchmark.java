package org.inlier.benchmarks;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.inlier.api.data.Split;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.plugins.onnx.OnnxExport;
import org.inlier.plugins.onnx.OnnxRuntimeModel;
import org.inlier.plugins.onnx.QdqSites;
import org.inlier.plugins.pretrained.BertOnnx;
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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX Runtime on all-MiniLM-L6-v2 three ways, timed in one JVM with the runs interleaved: the
 * original Hugging Face export (FP32, the baseline), Inlier's floating-point export of the imported
 * model (the translation's own cost), and Inlier's W8A8 QDQ export (calibrated by the real
 * calibrate and quantize stages on Brown sentences: running min-max, activations per tensor,
 * weights per channel). Batch 1 and batch 32 of 128 tokens, one intra-op thread; plus the file
 * sizes and how far each output lies from the original's.
 *
 * <p>Arguments, all optional: {@code --runs=N} timed runs per model and batch (default 20 at batch
 * 1, a fifth of that at batch 32), {@code --threads=N} (default 1), {@code --cache=DIR}. Output is
 * Markdown, ready for BENCHMARKS.md.
 */
public final class OnnxRuntimeBenchmark {

    private static final int SEQ = 128;
    /** The original export names its last hidden state output_0. */
    private static final String OUTPUT = "output_0";

    private static final String PIPELINE = """
            name: ort-benchmark
            seed: 1
            model: { family: bert-onnx, seq: %d }
            data: { set: brown-sentences, seq: %d, max_sentences: 512 }
            backend: { id: nd4j-cpu, threads: %d }
            stages:
              - calibrate: { batches: 4, batch: 8, estimator: running-min-max }
              - quantize: { weights: { bits: 8, granularity: channel }, activations: { bits: 8 } }
            """;

    private OnnxRuntimeBenchmark() {
    }

    /** One model under test: its ONNX bytes, its session, and how it reads a batch. */
    private record Candidate(String name, byte[] file, OnnxRuntimeModel session, boolean original, String output) {

        INDArray run(Map<String, INDArray> feeds) {
            return session.run(original ? originalFeeds(feeds) : feeds, List.of(output)).get(output);
        }
    }

    /** Runs the benchmark and prints the report to standard output. */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        int threads = Integer.parseInt(options.getOrDefault("threads", "1"));
        int runs = Integer.parseInt(options.getOrDefault("runs", "20"));
        Path cache = Path.of(options.getOrDefault("cache", System.getProperty("user.home") + "/.cache/inlier"));
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream())); // SameDiff's chatter
        Machine.useThreads(threads);

        PluginRegistry plugins = PluginDiscovery.discover(null);
        String text = PIPELINE.formatted(SEQ, SEQ, threads);
        PipelineConfig config = PipelineValidator.validate(PipelineLoader.parse(text, "ort", "ort"), "ort", "ort", plugins, StageCatalog.builtIn());
        RunContext run = new RunContext("ort", Files.createTempDirectory("ort-benchmark"), cache, config, plugins, (type, data) -> { });
        new PipelineRunner(StageCatalog.builtIn()).run(run);

        ModelGraph fp = run.buildModel(new SiteRecorder(SiteInstrumentation.NONE), false);
        byte[] fpFile = OnnxExport.of(fp.sd(), null, fp.placeholders(), List.of(fp.output()), "minilm-fp32").bytes();
        QdqSites sites = QdqSites.of(run.quantParams());
        ModelGraph marked = run.buildModel(new SiteRecorder(sites), false);
        OnnxExport qdq = OnnxExport.of(marked.sd(), sites, marked.placeholders(), List.of(marked.output()), "minilm-w8a8");
        byte[] qdqFile = qdq.bytes();
        byte[] original;
        try (InputStream in = BertOnnx.class.getClassLoader().getResourceAsStream(BertOnnx.MODEL_RESOURCE)) {
            original = in.readAllBytes();
        }
        List<Candidate> candidates = List.of(
                new Candidate("original Hugging Face export, FP32", original, OnnxRuntimeModel.load(original, threads, "original"), true, OUTPUT),
                new Candidate("Inlier FP32 export", fpFile, OnnxRuntimeModel.load(fpFile, threads, "fp"), false, fp.output()),
                new Candidate("Inlier W8A8 QDQ export (" + qdq.encodings().size() + " quantized sites)", qdqFile,
                        OnnxRuntimeModel.load(qdqFile, threads, "qdq"), false, marked.output()));

        TokenWindows windows = TokenWindows.of(run.corpus(), Split.TEST, SEQ + 1);
        out.println("## ONNX Runtime: original MiniLM vs Inlier's exports, " + threads + " intra-op thread(s)");
        out.println();
        out.println("- " + Machine.describe() + " | ONNX Runtime " + ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion());
        out.println("- load average (1, 5, 15 min) at start: " + Machine.loadAverage());
        out.println("- all-MiniLM-L6-v2, sequences of " + SEQ + " tokens (Brown sentences, test split); median (p10–p90) of the timed runs,"
                + " the three models interleaved run by run; ratios against the original in the same run");
        out.println();
        out.println("| model | file | batch 1 latency | vs original | batch 32 latency | vs original | batch 32 sequences/s | output vs original (SQNR dB) |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        Map<String, double[]> results = new LinkedHashMap<>();
        for (int batch : new int[] {1, 32}) {
            Map<String, INDArray> feeds = run.family().batch(windows.random(batch, new Random(batch)), config.model().options(),
                    run.corpus().tokenizer().vocabSize(), false, new Random(batch));
            int timed = batch == 1 ? runs : Math.max(3, runs / 5);
            Map<String, Samples> samples = new LinkedHashMap<>();
            INDArray reference = candidates.get(0).run(feeds);
            for (Candidate c : candidates) {
                samples.put(c.name(), new Samples(timed));
                INDArray y = c.run(feeds); // warm-up
                double sqnr = 10 * Math.log10(reference.norm2Number().doubleValue() * reference.norm2Number().doubleValue()
                        / Math.pow(y.sub(reference).norm2Number().doubleValue(), 2));
                results.computeIfAbsent(c.name(), k -> new double[5])[4] = sqnr;
            }
            for (int r = 0; r < timed; r++) {
                for (Candidate c : candidates) {
                    long start = System.nanoTime();
                    c.run(feeds);
                    samples.get(c.name()).addNanos(System.nanoTime() - start);
                }
            }
            for (Candidate c : candidates) {
                Samples s = samples.get(c.name());
                double[] row = results.get(c.name());
                int at = batch == 1 ? 0 : 2;
                row[at] = s.median();
                row[at + 1] = s.median() / samples.get(candidates.get(0).name()).median();
                out.flush();
                System.err.printf(Locale.ROOT, "%s batch %d: median %.1f ms (p10 %.1f, p90 %.1f)%n", c.name(), batch, s.median() * 1e3,
                        s.percentile(10) * 1e3, s.percentile(90) * 1e3);
            }
        }
        for (Candidate c : candidates) {
            double[] row = results.get(c.name());
            out.printf(Locale.ROOT, "| %s | %.1f MB | %.1f ms | %.2f× | %.0f ms | %.2f× | %.1f | %s |%n", c.name(), c.file().length / 1e6,
                    row[0] * 1e3, row[1], row[2] * 1e3, row[3], 32 / row[2], Double.isInfinite(row[4]) ? "identical" : String.format(Locale.ROOT, "%.1f", row[4]));
        }
        out.println();
        out.println("- load average at end: " + Machine.loadAverage());
        candidates.forEach(c -> c.session().close());
        System.setOut(out);
    }

    /** The original export's inputs: int64 ids, int64 mask, token types 0. */
    private static Map<String, INDArray> originalFeeds(Map<String, INDArray> feeds) {
        INDArray ids = feeds.get("tokens").castTo(DataType.LONG);
        return Map.of("input_ids", ids, "attention_mask", feeds.get("attention_mask").castTo(DataType.LONG),
                "token_type_ids", Nd4j.zeros(DataType.LONG, ids.shape()));
    }
}
