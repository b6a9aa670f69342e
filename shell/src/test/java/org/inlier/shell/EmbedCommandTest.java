package org.inlier.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.inlier.plugins.pretrained.BertOnnx;
import org.inlier.plugins.pretrained.OnnxReference;
import org.inlier.plugins.pretrained.TinyBrown;
import org.inlier.plugins.pretrained.WordPieceTokenizer;
import org.inlier.runtime.store.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbedCommandTest {

    /** The bound on the difference from ONNX Runtime's mean-pooled output. */
    private static final double TOLERANCE = 1e-4;

    private static final List<String> SENTENCES = List.of(
            "The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election produced no evidence.",
            "Merger proposed.",
            "",
            "It recommended that Fulton legislators act \"to have these laws studied and revised to the end of modernizing them\".");

    private static final String TINY_RUN = TinyBertRun.ID;

    private static TinyBertRun.Result cli(Path dir, String... args) {
        return TinyBertRun.cli(dir, args);
    }

    private static double[][] doubles(float[][] rows) {
        return Arrays.stream(rows).map(r -> { double[] d = new double[r.length]; for (int i = 0; i < r.length; i++) d[i] = r[i]; return d; })
                .toArray(double[][]::new);
    }

    /** ONNX Runtime's last hidden state of the bundled model, mean-pooled over the tokens, optionally L2-normalised. */
    private static double[][] onnxRuntimeEmbeddings(List<String> sentences, boolean normalize) throws Exception {
        long[][] ids;
        try (WordPieceTokenizer tokenizer = WordPieceTokenizer.loadResource(BertOnnx.TOKENIZER_RESOURCE, 256)) {
            int[][] encoded = sentences.stream().map(tokenizer::encode).toArray(int[][]::new);
            int longest = Arrays.stream(encoded).mapToInt(a -> a.length).max().orElseThrow();
            ids = Arrays.stream(encoded).map(e -> { long[] row = new long[longest]; for (int t = 0; t < e.length; t++) row[t] = e[t]; return row; })
                    .toArray(long[][]::new);
        }
        long[][] mask = Arrays.stream(ids).map(r -> Arrays.stream(r).map(id -> id == 0 ? 0 : 1).toArray()).toArray(long[][]::new);
        byte[] model;
        try (InputStream in = EmbedCommandTest.class.getClassLoader().getResourceAsStream(BertOnnx.MODEL_RESOURCE)) {
            model = in.readAllBytes();
        }
        float[][][] hidden = OnnxReference.run(model, "output_0", ids, mask);
        double[][] pooled = new double[ids.length][hidden[0][0].length];
        for (int b = 0; b < ids.length; b++) {
            long tokens = Arrays.stream(mask[b]).sum();
            for (int t = 0; t < ids[b].length; t++) {
                for (int d = 0; d < pooled[b].length; d++) {
                    pooled[b][d] += mask[b][t] * hidden[b][t][d] / (double) tokens;
                }
            }
            double norm = Math.sqrt(Arrays.stream(pooled[b]).map(v -> v * v).sum());
            for (int d = 0; normalize && d < pooled[b].length; d++) {
                pooled[b][d] /= norm;
            }
        }
        return pooled;
    }

    private static double maxAbsDifference(double[][] a, double[][] b) {
        assertThat(a.length).isEqualTo(b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).hasSameSizeAs(b[i]);
            for (int j = 0; j < a[i].length; j++) {
                max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return max;
    }

    private static double meanCosine(double[][] a, double[][] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double dot = 0, na = 0, nb = 0;
            for (int j = 0; j < a[i].length; j++) {
                dot += a[i][j] * b[i][j];
                na += a[i][j] * a[i][j];
                nb += b[i][j] * b[i][j];
            }
            sum += dot / Math.sqrt(na * nb);
        }
        return sum / a.length;
    }

    private static double[][] csv(String text) {
        return text.lines().map(line -> Arrays.stream(line.split(",")).mapToDouble(Double::parseDouble).toArray()).toArray(double[][]::new);
    }

    @Test
    void fpEmbeddingsOfTheBundledModelMatchOnnxRuntimeMeanPooled(@TempDir Path dir) throws Exception {
        Path input = Files.write(dir.resolve("sentences.txt"), SENTENCES, StandardCharsets.UTF_8);
        Path npy = dir.resolve("embeddings.npy");

        TinyBertRun.Result normalized = cli(dir, "embed", "bert-onnx", input.toString(), "-o", npy.toString());
        assertThat(normalized.exitCode()).as(normalized.err()).isZero();
        assertThat(normalized.err()).contains("Embedding 4 lines with bert-onnx (the bundled all-MiniLM-L6-v2, floating point): mean pooling,"
                + " L2-normalised, at most 256 tokens per line").contains("Wrote 4 × 384 float32 to " + npy);
        Npy.Array array = Npy.read(npy);
        assertThat(array.shape()).containsExactly(SENTENCES.size(), 384);
        assertThat(maxAbsDifference(doubles(array.rows()), onnxRuntimeEmbeddings(SENTENCES, true))).isLessThan(TOLERANCE);

        TinyBertRun.Result plain = cli(dir, "embed", "bert-onnx", input.toString(), "--no-normalize");
        assertThat(plain.exitCode()).as(plain.err()).isZero();
        double[][] rows = csv(plain.out());
        assertThat(rows).hasNumberOfRows(SENTENCES.size());
        assertThat(maxAbsDifference(rows, onnxRuntimeEmbeddings(SENTENCES, false))).isLessThan(TOLERANCE);
    }

    @Test
    void aRunsQuantizedModelEmbedsWithItsQuantizers(@TempDir Path dir) throws Exception {
        Path input = Files.writeString(dir.resolve("s.txt"), "the old man saw the river\ncax cay the dog\nit was big and old\n");
        Path fpFile = dir.resolve("fp.csv");
        TinyBertRun.Result fp = cli(TinyBertRun.dir(), "embed", TINY_RUN, input.toString(), "-o", fpFile.toString());
        assertThat(fp.exitCode()).as(fp.err()).isZero();
        assertThat(fp.err()).contains("with run " + TINY_RUN + " (floating point)", "at most 16 tokens per line");
        double[][] reference = csv(Files.readString(fpFile));
        assertThat(reference).hasNumberOfRows(3);
        assertThat(reference[0]).hasSize(24);

        TinyBertRun.Result w16 = cli(TinyBertRun.dir(), "embed", TINY_RUN, input.toString(), "--quantized", "w16a16");
        assertThat(w16.exitCode()).as(w16.err()).isZero();
        assertThat(w16.err()).contains("(W16A16, quantized-w16a16.zip)");
        double[][] w16Rows = csv(w16.out());
        assertThat(maxAbsDifference(w16Rows, reference)).as("16-bit quantizers are applied").isGreaterThan(0);
        assertThat(meanCosine(w16Rows, reference)).as("and are nearly lossless").isGreaterThan(0.9999);

        TinyBertRun.Result w4 = cli(TinyBertRun.dir(), "embed", TINY_RUN, input.toString(), "--quantized", "W4A4");
        assertThat(w4.exitCode()).as(w4.err()).isZero();
        assertThat(meanCosine(csv(w4.out()), reference)).as("4 bits visibly change the embeddings").isLessThan(0.999);
    }

    @Test
    void anUnknownQuantizedLabelListsTheRunsQuantizedModels(@TempDir Path dir) throws Exception {
        Path input = Files.writeString(dir.resolve("s.txt"), "the dog\n");
        TinyBertRun.Result result = cli(TinyBertRun.dir(), "embed", TINY_RUN, input.toString(), "--quantized", "w8a8");
        assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(result.err()).contains("run " + TINY_RUN + " has no quantized model 'w8a8'; it has: w16a16, w4a4");
    }

    @Test
    void aMissingRunIsAClearError(@TempDir Path dir) throws Exception {
        Path input = Files.writeString(dir.resolve("s.txt"), "the dog\n");
        TinyBertRun.Result quantized = cli(dir, "embed", "20250101-000000-nope", input.toString(), "--quantized", "w8a8");
        assertThat(quantized.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(quantized.err()).contains("no run '20250101-000000-nope' in " + dir.resolve("runs").toAbsolutePath());

        TinyBertRun.Result unknown = cli(dir, "embed", "nope", input.toString());
        assertThat(unknown.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(unknown.err()).contains("'nope' is neither a run in", "nor a pipeline file, nor a model family (model families: ")
                .contains("bert-onnx");
    }

    @Test
    void anEmptyFileIsAClearError(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "");
        TinyBertRun.Result result = cli(dir, "embed", "bert-onnx", empty.toString());
        assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(result.err()).contains(empty + " is empty: nothing to embed");

        Path blank = Files.writeString(dir.resolve("blank.txt"), "\n  \n");
        assertThat(cli(dir, "embed", "bert-onnx", blank.toString()).err()).contains(blank + " holds only blank lines: nothing to embed");
        assertThat(cli(dir, "embed", "bert-onnx", dir.resolve("missing.txt").toString()).err()).contains("missing.txt does not exist");
    }

    @Test
    void anEncoderWithAnLmHeadOrAnUnknownOutputFormatIsRefused(@TempDir Path dir) throws Exception {
        Path input = Files.writeString(dir.resolve("s.txt"), "the dog\n");
        assertThat(cli(dir, "embed", "encoder-mlm", input.toString()).err())
                .contains("model family encoder-mlm is no sentence encoder");
        TinyBertRun.Result txt = cli(dir, "embed", "bert-onnx", input.toString(), "-o", dir.resolve("e.txt").toString());
        assertThat(txt.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(txt.err()).contains("the file must end in .csv or .npy");
    }

    @Test
    void linesAreCutToTheTokenLimitAndTheLimitToThePositionTable(@TempDir Path dir) throws Exception {
        Path input = Files.writeString(dir.resolve("s.txt"), "the old man saw the big river and the dog saw it\nthe dog\n");
        TinyBertRun.Result cut = cli(TinyBertRun.dir(), "embed", TINY_RUN, input.toString(), "--max-tokens", "6");
        assertThat(cut.exitCode()).as(cut.err()).isZero();
        assertThat(cut.err()).contains("note: 1 line was longer than 6 tokens and cut to that length");

        TinyBertRun.Result tooLong = cli(TinyBertRun.dir(), "embed", TINY_RUN, input.toString(), "--max-tokens", "100");
        assertThat(tooLong.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(tooLong.err()).contains("--max-tokens 100 is longer than the position table of the model (" + TinyBrown.POSITIONS + " positions)");
    }
}
