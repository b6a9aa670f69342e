package org.inlier.shell;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.inlier.plugins.pretrained.TinyBrown;

/**
 * One run, shared by the tests of this module: a tiny random BERT on a tiny Brown corpus (no
 * network), calibrated, quantized to W16A16 and W4A4 and evaluated after each.
 */
final class TinyBertRun {

    /** The run's id. */
    static final String ID = "tiny-bert";

    private static Path dir;

    private TinyBertRun() {
    }

    /** What one CLI invocation printed and returned. */
    record Result(int exitCode, String out, String err) {
    }

    /** Runs the CLI with the run store, an empty plugins folder and the data cache inside {@code dir}. */
    static Result cli(Path dir, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = Stream.concat(Stream.of(args), Stream.of("--runs", dir.resolve("runs").toString(),
                "--plugins", dir.resolve("no-plugins").toString(), "--cache", dir.resolve("cache").toString())).toArray(String[]::new);
        int code = Cli.execute(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), all);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The folder holding the run store ({@code runs/}) and cache of the run, running the pipeline on first use. */
    static synchronized Path dir() {
        if (dir == null) {
            try {
                Path root = Files.createTempDirectory("inlier-tiny-bert-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
                TinyBrown.corpus(root.resolve("cache"));
                Path tokenizer = TinyBrown.tokenizer(root);
                Path model = TinyBrown.model(root);
                Path pipeline = Files.writeString(root.resolve("tiny-bert.yaml"), """
                        seed: 3
                        model: { family: bert-onnx, path: "%s", tokenizer: "%s", seq: 16 }
                        data: { set: brown-sentences, seq: 16, tokenizer: "%s", max_sentences: 0 }
                        backend: { id: nd4j-cpu, threads: 1 }
                        stages:
                          - calibrate: { batches: 2, batch: 8 }
                          - quantize: { weights: { bits: 16 }, activations: { bits: 16 } }
                          - evaluate: { batches: 2, batch: 8 }
                          - quantize: { weights: { bits: 4 }, activations: { bits: 4 } }
                          - evaluate: { batches: 2, batch: 8 }
                        """.formatted(model, tokenizer, tokenizer));
                Result run = cli(root, "run", pipeline.toString(), "--run-id", ID);
                if (run.exitCode() != 0) {
                    throw new IllegalStateException("the tiny BERT run failed:\n" + run.out() + run.err());
                }
                dir = root;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temporary folder only.
        }
    }
}
