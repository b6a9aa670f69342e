package org.inlier.shell;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.inlier.runtime.config.PipelineException;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.store.AtomicFiles;
import org.inlier.runtime.store.Npy;
import org.inlier.runtime.store.RunStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code inlier embed <model-or-run> <sentences.txt>}: one sentence embedding per input line, from
 * a pretrained encoder in floating point or from one of a run's quantized models, as CSV or
 * {@code .npy}. Runs in this process: nothing is submitted to the run queue and nothing is written
 * to the run store.
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Write one sentence embedding per line of a text file: the mean of the encoder's last hidden state over the"
                + " line's tokens (padding excluded), scaled to unit length — what sentence-transformers gives for all-MiniLM-L6-v2.",
                "The model is a run of the run store (floating point, or one of its quantized models with --quantized), a pipeline"
                        + " file's model, or a model family (bert-onnx: the bundled all-MiniLM-L6-v2)."})
final class EmbedCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<model-or-run>", description = "a run id, a pipeline file (.yaml, .yml, .json) or a model family id")
    String source;

    @Parameters(index = "1", paramLabel = "<sentences.txt>", description = "UTF-8 text, one sentence per line (a blank line embeds the empty text)")
    Path sentences;

    @Option(names = {"-o", "--output"}, paramLabel = "<file>",
            description = "out.csv (one row of comma-separated values per line) or out.npy (float32, shape (lines, hidden));"
                    + " default: CSV on standard output")
    Path output;

    @Option(names = "--quantized", paramLabel = "<label>",
            description = "embed with the run's quantized model quantized-<label>.zip (e.g. w8a8); default: floating point")
    String quantized;

    @Option(names = "--normalize", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "scale each embedding to unit L2 norm, as the model card of all-MiniLM-L6-v2 does (default: on;"
                    + " --no-normalize writes the plain means)")
    boolean normalize;

    @Option(names = "--max-tokens", paramLabel = "<n>",
            description = "truncate each line to n tokens, [CLS] and [SEP] included (default: the pipeline's seq; 256 for a model family,"
                    + " as sentence-transformers does for all-MiniLM-L6-v2)")
    Integer maxTokens;

    @Option(names = "--batch", paramLabel = "<n>", defaultValue = "32", description = "lines per forward pass (default: ${DEFAULT-VALUE})")
    int batch;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() {
        PrintStream err = Cli.err();
        if (batch < 1) {
            err.println("error: --batch must be at least 1, got " + batch);
            return ExitCodes.INVALID;
        }
        String format = output == null ? "csv" : extension(output);
        if (!format.equals("csv") && !format.equals("npy")) {
            err.println("error: -o " + output + ": the file must end in .csv or .npy");
            return ExitCodes.INVALID;
        }
        List<String> lines;
        try {
            lines = readLines(sentences);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        PluginRegistry registry = runtime.registry();
        SentenceEncoder.Embeddings embeddings;
        try {
            SentenceEncoder encoder = SentenceEncoder.resolve(source, quantized, new RunStore(runtime.runs), registry);
            int limit = maxTokens == null ? encoder.defaultMaxTokens() : maxTokens;
            err.println("Embedding " + lines.size() + (lines.size() == 1 ? " line" : " lines") + " with " + encoder.description()
                    + ": mean pooling" + (normalize ? ", L2-normalised" : "") + ", at most " + limit + " tokens per line");
            embeddings = encoder.embed(lines, maxTokens, normalize, batch);
        } catch (PipelineException e) {
            err.println(e.getMessage());
            return ExitCodes.INVALID;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        if (embeddings.truncated() > 0) {
            err.println("note: " + embeddings.truncated() + (embeddings.truncated() == 1 ? " line was" : " lines were") + " longer than "
                    + embeddings.maxTokens() + " tokens and cut to that length");
        }
        float[][] rows = embeddings.rows();
        if (output == null) {
            Writer stdout = new BufferedWriter(new OutputStreamWriter(Cli.out(), StandardCharsets.UTF_8));
            try {
                writeCsv(stdout, rows);
                stdout.flush();
            } catch (IOException e) {
                err.println("error: cannot write to standard output: " + e.getMessage());
                return ExitCodes.RUN_FAILED;
            }
            return ExitCodes.OK;
        }
        if (format.equals("npy")) {
            Npy.write(output, rows);
        } else {
            AtomicFiles.write(output, out -> {
                Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
                writeCsv(writer, rows);
                writer.flush();
            });
        }
        err.println("Wrote " + rows.length + " × " + rows[0].length + " float32 to " + output);
        return ExitCodes.OK;
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * The lines of a UTF-8 file; a final newline ends the last line rather than starting an empty one.
     *
     * @throws IllegalArgumentException if the file is missing, unreadable, not UTF-8, or holds no text at all
     */
    static List<String> readLines(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + " does not exist");
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        if (lines.stream().allMatch(String::isBlank)) {
            throw new IllegalArgumentException(file + (lines.isEmpty() ? " is empty" : " holds only blank lines")
                    + ": nothing to embed (give one sentence per line)");
        }
        return lines;
    }

    /** One row per embedding, values as Java writes floats (shortest text that reads back to the same float). */
    private static void writeCsv(Writer out, float[][] rows) throws IOException {
        StringBuilder line = new StringBuilder();
        for (float[] row : rows) {
            line.setLength(0);
            for (int j = 0; j < row.length; j++) {
                if (j > 0) {
                    line.append(',');
                }
                line.append(row[j]);
            }
            out.write(line.append('\n').toString());
        }
    }
}
