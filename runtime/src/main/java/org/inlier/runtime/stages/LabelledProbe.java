package org.inlier.runtime.stages;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.inlier.api.data.LabelledCorpus;
import org.inlier.api.data.Split;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.runtime.metrics.LinearProbe;
import org.inlier.runtime.metrics.MeanPooling;
import org.inlier.runtime.report.Sections;
import org.inlier.runtime.store.Npy;
import org.inlier.runtime.train.TokenWindows;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The labelled task of an encoder without an LM head: a linear probe ({@link LinearProbe},
 * multinomial logistic regression) trained once on the floating-point model's frozen sentence
 * embeddings of labelled training sentences and scored on test sentences embedded by the
 * floating-point model and by each quantized model. The accuracy difference is what quantization
 * costs a user who classifies with the embeddings.
 *
 * <p>Sentences: {@code probe.train} evenly spaced blocks of the corpus's TRAIN split to fit the
 * probe, {@code probe.test} of its VALID split to choose the L2 penalty (unless
 * {@code probe.l2} fixes it) and as many of its TEST split to score it (evenly spaced, so every
 * label of a corpus stored in label order is represented). Embeddings are mean-pooled over the
 * tokens (padding excluded) and L2-normalised, as sentence-transformers gives them.
 *
 * <p>Cost: the floating-point embeddings are cached in {@code <cache>/probe-embeddings/}, keyed by
 * a SHA-256 of the model (family, options, attention, every weight) and the sentences, so every
 * evaluate stage of a run and every run of the same model reuse them; each quantized model embeds
 * the test sentences once.
 */
final class LabelledProbe {

    /** The evaluate stage's options of the probe. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.integer("probe.train", 1024, 0, 1_000_000,
                    "training sentences of the linear probe (encoders with labelled data), evenly spaced; 0 = no probe"),
            OptionSpec.integer("probe.test", 256, 1, 1_000_000,
                    "test sentences the probe is scored on, and valid sentences its penalty is chosen on; evenly spaced"),
            OptionSpec.optionalNumber("probe.l2", 0, 1e6,
                    "L2 penalty of the probe's logistic regression; default: the best of " + LinearProbe.L2_GRID + " on the valid sentences"));

    /** The padding mask placeholder of encoder families (1 = token, 0 = padding). */
    private static final String CACHE = "probe-embeddings";
    /** Sentences are embedded in batches of about this many tokens (fewer, larger forward passes than evaluation batches). */
    private static final int TOKENS_PER_BATCH = 2048;

    private final RunContext run;
    private final LabelledCorpus corpus;
    private final int batch;
    private final Optional<Double> l2;
    private final int[][] trainWindows;
    private final List<String> trainLabels;
    private final int[][] validWindows;
    private final List<String> validLabels;
    private final int[][] testWindows;
    private final List<String> testLabels;
    private final int trainAvailable;
    private final int testAvailable;
    private LinearProbe probe;

    private LabelledProbe(RunContext run, LabelledCorpus corpus, Options options, int batch) {
        this.run = run;
        this.corpus = corpus;
        this.batch = batch;
        this.l2 = options.findDouble("probe.l2");
        int seq = run.family().sequenceLength(run.config().model().options());
        TokenWindows train = TokenWindows.of(corpus, Split.TRAIN, seq + 1);
        TokenWindows valid = TokenWindows.of(corpus, Split.VALID, seq + 1);
        TokenWindows test = TokenWindows.of(corpus, Split.TEST, seq + 1);
        this.trainAvailable = train.count();
        this.testAvailable = test.count();
        int[] trainIndices = evenlySpaced(trainAvailable, options.getInt("probe.train"));
        int[] validIndices = evenlySpaced(l2.isPresent() ? 0 : valid.count(), options.getInt("probe.test"));
        int[] testIndices = evenlySpaced(testAvailable, options.getInt("probe.test"));
        this.trainWindows = windows(train, trainIndices);
        this.validWindows = windows(valid, validIndices);
        this.testWindows = windows(test, testIndices);
        this.trainLabels = labels(corpus.labels(Split.TRAIN), trainIndices);
        this.validLabels = labels(corpus.labels(Split.VALID), validIndices);
        this.testLabels = labels(corpus.labels(Split.TEST), testIndices);
    }

    /**
     * The probe of this run, if it has one: the data is labelled sentence blocks, the model an
     * encoder without an LM head (its output is the last hidden state, its loss a constant), and
     * {@code probe.train} is not 0.
     *
     * @param options the evaluate stage's options
     * @param model   the model as built (to tell an encoder without a head)
     */
    static Optional<LabelledProbe> of(RunContext run, Options options, ModelGraph model) {
        if (!(run.corpus() instanceof LabelledCorpus labelled) || labelled.blockLength() == 0 || options.getInt("probe.train") == 0
                || !model.placeholders().contains(ModelGraph.PADDING_MASK)
                || model.sd().getVariable(model.loss()).getVariableType() != VariableType.CONSTANT) {
            return Optional.empty();
        }
        int seq = run.family().sequenceLength(run.config().model().options());
        LabelledProbe probe = new LabelledProbe(run, labelled, options, Math.max(options.getInt("batch"), TOKENS_PER_BATCH / seq));
        if (probe.trainWindows.length == 0 || probe.testWindows.length == 0 || (probe.l2.isEmpty() && probe.validWindows.length == 0)) {
            return Optional.empty();
        }
        return Optional.of(probe);
    }

    /**
     * Trains the probe on the floating-point embeddings (cached) and reports how it was trained
     * and on what. Training is deterministic (L-BFGS from zero weights, warm starts down the
     * penalty grid), so every evaluate stage of a run gets the same probe.
     *
     * @param fp the floating-point model
     * @return the probe's accuracy on the floating-point embeddings of the test sentences
     */
    double floatAccuracy(ModelGraph fp) {
        double[][][] embeddings = floatEmbeddings(fp);
        long start = System.nanoTime();
        train(embeddings);
        double seconds = (System.nanoTime() - start) / 1e9;
        double accuracy = probe.accuracy(embeddings[2], testLabels);
        report(accuracy, embeddings, seconds);
        return accuracy;
    }

    /** Trains the probe on the training embeddings, with the fixed penalty or the one best on the valid embeddings. */
    private void train(double[][][] embeddings) {
        probe = l2.isPresent()
                ? LinearProbe.train(embeddings[0], trainLabels, l2.get(), LinearProbe.DEFAULT_ITERATIONS)
                : LinearProbe.select(embeddings[0], trainLabels, embeddings[1], validLabels, LinearProbe.L2_GRID, LinearProbe.DEFAULT_ITERATIONS);
    }

    /**
     * The accuracy of the probe (trained on floating-point embeddings) on a quantized model's
     * embeddings of the test sentences.
     *
     * @param fp        the floating-point model, to train the probe if this stage has not yet
     * @param quantized the quantized model
     */
    double quantizedAccuracy(ModelGraph fp, ModelGraph quantized) {
        if (probe == null) {
            train(floatEmbeddings(fp));
        }
        return probe.accuracy(embed(quantized, testWindows), testLabels);
    }

    private void report(double testAccuracy, double[][][] embeddings, double seconds) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("task", corpus.labelling());
        values.put("train_sentences", trainWindows.length + " of the " + trainAvailable + " train-split sentences of the data, evenly spaced");
        values.put("test_sentences", testWindows.length + " of the " + testAvailable + " test-split sentences of the data, evenly spaced");
        values.put("classes", probe.classes().size());
        String penalty = l2.isPresent() ? "L2 λ = " + l2.get()
                : "L2 λ = " + probe.l2() + ", the best of " + LinearProbe.L2_GRID + " on " + validWindows.length
                        + " evenly spaced valid-split sentences (accuracy " + String.format("%.3f", probe.accuracy(embeddings[1], validLabels)) + ")";
        values.put("classifier", "multinomial logistic regression (" + penalty + "; L-BFGS, " + probe.iterations() + " iterations, "
                + String.format("%.1f", seconds) + " s) on standardised FP sentence embeddings (mean-pooled last hidden state,"
                + " padding excluded, L2-normalised), trained once; each quantized model's test embeddings are scored by the same probe");
        values.put("fp_train_accuracy", probe.trainAccuracy());
        values.put("fp_test_accuracy", testAccuracy);
        values.put("majority_baseline", LinearProbe.majorityBaseline(trainLabels, testLabels));
        run.report().values(Sections.LINEAR_PROBE, values);
    }

    /** Train and test embeddings of the floating-point model, from the cache or computed and cached. */
    private double[][][] floatEmbeddings(ModelGraph fp) {
        Path file = run.cacheDir().resolve(CACHE).resolve(key() + ".npy");
        int rows = trainWindows.length + validWindows.length + testWindows.length;
        if (Files.isRegularFile(file)) {
            try {
                Npy.Array cached = Npy.read(file);
                if (cached.shape().length == 2 && cached.shape()[0] == rows) {
                    return split(toDoubles(cached.rows()));
                }
            } catch (RuntimeException e) {
                run.events().log("probe: ignoring unreadable cache " + file + " (" + e.getMessage() + ")");
            }
        }
        long start = System.nanoTime();
        int[][] all = new int[rows][];
        System.arraycopy(trainWindows, 0, all, 0, trainWindows.length);
        System.arraycopy(validWindows, 0, all, trainWindows.length, validWindows.length);
        System.arraycopy(testWindows, 0, all, trainWindows.length + validWindows.length, testWindows.length);
        double[][] embeddings = embed(fp, all);
        float[][] stored = new float[rows][];
        for (int i = 0; i < rows; i++) {
            stored[i] = new float[embeddings[i].length];
            for (int j = 0; j < stored[i].length; j++) {
                stored[i][j] = (float) embeddings[i][j];
            }
        }
        Npy.write(file, stored);
        run.events().log(String.format("probe: embedded %d sentences with the FP model in %.1f s (cached in %s)", rows,
                (System.nanoTime() - start) / 1e9, file));
        // Use the stored (float32) values, so a cached and a fresh run give the same probe.
        return split(toDoubles(stored));
    }

    /** Train, valid and test rows. */
    private double[][][] split(double[][] all) {
        int valid = trainWindows.length + validWindows.length;
        return new double[][][] {Arrays.copyOfRange(all, 0, trainWindows.length), Arrays.copyOfRange(all, trainWindows.length, valid),
                Arrays.copyOfRange(all, valid, all.length)};
    }

    /** Mean-pooled, L2-normalised embeddings of windows, in batches. */
    private double[][] embed(ModelGraph model, int[][] windows) {
        double[][] embeddings = new double[windows.length][];
        Options modelOptions = run.config().model().options();
        int vocab = corpus.tokenizer().vocabSize();
        for (int first = 0; first < windows.length; first += batch) {
            int[][] chunk = Arrays.copyOfRange(windows, first, Math.min(windows.length, first + batch));
            Map<String, INDArray> feeds = run.family().batch(chunk, modelOptions, vocab, false, new Random(first));
            INDArray hidden = model.sd().output(feeds, model.output()).get(model.output());
            double[][] pooled = MeanPooling.normalize(MeanPooling.pool(hidden, feeds.get(ModelGraph.PADDING_MASK)));
            System.arraycopy(pooled, 0, embeddings, first, pooled.length);
        }
        return embeddings;
    }

    /** SHA-256 of everything the floating-point embeddings depend on. */
    private String key() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((run.config().model().id() + "|" + new TreeMap<>(run.config().model().options().asMap()) + "|"
                    + run.config().attention().id() + "|" + new TreeMap<>(run.config().attention().options().asMap()) + "|")
                    .getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, INDArray> w : new TreeMap<>(run.weights()).entrySet()) {
                digest.update((w.getKey() + Arrays.toString(w.getValue().shape())).getBytes(StandardCharsets.UTF_8));
                digest.update(w.getValue().castTo(DataType.FLOAT).dup('c').data().asBytes());
            }
            for (int[][] set : List.of(trainWindows, validWindows, testWindows)) {
                ByteBuffer ids = ByteBuffer.allocate(Integer.BYTES * (1 + Arrays.stream(set).mapToInt(r -> r.length).sum()));
                ids.putInt(set.length);
                for (int[] r : set) {
                    for (int id : r) {
                        ids.putInt(id);
                    }
                }
                digest.update(ids.array());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static double[][] toDoubles(float[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = new double[rows[i].length];
            for (int j = 0; j < rows[i].length; j++) {
                out[i][j] = rows[i][j];
            }
        }
        return out;
    }

    private static int[] evenlySpaced(int count, int wanted) {
        int kept = Math.min(count, wanted);
        int[] indices = new int[kept];
        for (int i = 0; i < kept; i++) {
            indices[i] = (int) ((long) i * count / kept);
        }
        return indices;
    }

    private static int[][] windows(TokenWindows windows, int[] indices) {
        int[][] out = new int[indices.length][];
        for (int i = 0; i < indices.length; i++) {
            out[i] = windows.sequential(indices[i], 1)[0];
        }
        return out;
    }

    private static List<String> labels(List<String> all, int[] indices) {
        List<String> out = new ArrayList<>(indices.length);
        for (int i : indices) {
            out.add(all.get(i));
        }
        return out;
    }
}
