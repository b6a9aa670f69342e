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
 * Times post-training quantization as a user runs it: the {@code calibrate} stage (16 batches of
 * 16 windows through the float model with an observer at every quantized site) and the
 * {@code quantize} stage (W8A8, every activation per tensor, weights per channel), through the
 * real stages, for the quickstart model, a 6-layer hidden-384 causal LM and all-MiniLM-L6-v2.
 * The baseline, measured in the same JVM right after, is the float model's forward pass over the
 * same number of batches of the same size: the ratio says what calibration costs beyond reading
 * the data once.
 *
 * <p>Arguments, all optional: {@code --models=quickstart,l6-384,minilm} {@code --threads=N}
 * {@code --cache=DIR} (default {@code ~/.cache/inlier}, where the Brown corpus is fetched once).
 * Output is Markdown, ready for BENCHMARKS.md.
 */
public final class PtqBenchmark {

    private static final int BATCHES = 16;
    private static final int BATCH = 16;

    private static final String STAGES = """
            backend: { id: nd4j-cpu, threads: %d }
            stages:
              - calibrate: { batches: %d, batch: %d, estimator: { id: running-min-max, momentum: 0.9 } }
              - quantize: { weights: { bits: 8, granularity: channel }, activations: { bits: 8 } }
            """;

    private static final Map<String, String> MODELS = new LinkedHashMap<>();

    static {
        MODELS.put("quickstart", """
                model: { family: decoder-clm, layers: 2, hidden: 128, heads: 4, ffn: 512, seq: 64 }
                data: { set: brown-corpus }
                """);
        MODELS.put("l6-384", """
                model: { family: decoder-clm, layers: 6, hidden: 384, heads: 6, ffn: 1536, seq: 64 }
                data: { set: brown-corpus }
                """);
        MODELS.put("minilm", """
                model: { family: bert-onnx, seq: 64 }
                data: { set: brown-sentences, seq: 64, max_sentences: 512 }
                """);
    }

    private PtqBenchmark() {
    }

    /** Runs the benchmark and prints the report to standard output. */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        int threads = Integer.parseInt(options.getOrDefault("threads", System.getenv().getOrDefault("OMP_NUM_THREADS", "1")));
        Path cache = Path.of(options.getOrDefault("cache", System.getProperty("user.home") + "/.cache/inlier"));
        PrintStream out = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream())); // SameDiff's chatter
        Machine.useThreads(threads);
        PluginRegistry plugins = PluginDiscovery.discover(null);
        out.println("## Calibration + quantization benchmark, " + threads + " thread(s)");
        out.println();
        out.println("- " + Machine.describe());
        out.println("- load average (1, 5, 15 min) at start: " + Machine.loadAverage());
        out.println("- " + BATCHES + " calibration batches × " + BATCH + " windows of 64 tokens; W8A8, activations per tensor, weights per channel");
        out.println();
        out.println("| model | calibrate | quantize | calibrate + quantize | FP forward of the same batches | (calibrate + quantize) / forward |");
        out.println("|---|---:|---:|---:|---:|---:|");
        for (String name : options.getOrDefault("models", String.join(",", MODELS.keySet())).split(",")) {
            String model = MODELS.get(name.trim());
            if (model == null) {
                throw new IllegalArgumentException("unknown model '" + name + "'; allowed: " + MODELS.keySet());
            }
            Map<String, Double> seconds = new LinkedHashMap<>();
            String text = "name: ptq-" + name + "\nseed: 1\n" + model + STAGES.formatted(threads, BATCHES, BATCH);
            PipelineConfig config = PipelineValidator.validate(PipelineLoader.parse(text, name, name), name, name, plugins, StageCatalog.builtIn());
            Path dir = Files.createTempDirectory("ptq-benchmark");
            RunContext run = new RunContext(name, dir, cache, config, plugins, (type, data) -> {
                if (type.equals("stage.finished")) {
                    seconds.put(String.valueOf(data.get("stage")), ((Number) data.get("seconds")).doubleValue());
                }
            });
            new PipelineRunner(StageCatalog.builtIn()).run(run);
            double forward = forwardSeconds(run);
            double ptq = seconds.get("calibrate") + seconds.get("quantize");
            out.printf(Locale.ROOT, "| %s | %.1f s | %.1f s | **%.1f s** | %.1f s | %.2f× |%n", name, seconds.get("calibrate"),
                    seconds.get("quantize"), ptq, forward, ptq / forward);
        }
        out.println();
        out.println("- load average at end: " + Machine.loadAverage());
        System.setOut(out);
    }

    /** The float model's forward pass over as many batches of the same size as calibration reads. */
    private static double forwardSeconds(RunContext run) {
        ModelGraph model = run.buildModel(new SiteRecorder(SiteInstrumentation.NONE), false);
        int seq = run.family().sequenceLength(run.config().model().options());
        TokenWindows windows = TokenWindows.of(run.corpus(), Split.TRAIN, seq + 1);
        Random random = new Random(3);
        List<Map<String, INDArray>> batches = new ArrayList<>();
        for (int b = 0; b < BATCHES; b++) {
            batches.add(run.family().batch(windows.random(BATCH, random), run.config().model().options(),
                    run.corpus().tokenizer().vocabSize(), false, random));
        }
        model.sd().output(batches.get(0), model.output()); // first call builds SameDiff's execution plan
        long start = System.nanoTime();
        for (Map<String, INDArray> feeds : batches) {
            model.sd().output(feeds, model.output());
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
