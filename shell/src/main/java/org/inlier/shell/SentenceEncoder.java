package org.inlier.shell;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.inlier.api.attention.AttentionVariant;
import org.inlier.api.model.ModelFamily;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.plugin.PluginKind;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.plugins.models.PostLnEncoder;
import org.inlier.plugins.pretrained.BertOnnx;
import org.inlier.plugins.pretrained.WordPieceTokenizer;
import org.inlier.runtime.config.PipelineConfig;
import org.inlier.runtime.config.PipelineLoader;
import org.inlier.runtime.config.PipelineValidator;
import org.inlier.runtime.metrics.MeanPooling;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.stages.PipelineRunner;
import org.inlier.runtime.stages.StageCatalog;
import org.inlier.runtime.store.RunStore;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A sentence encoder for {@code inlier embed}: a pretrained BERT ({@code bert-onnx}) given by
 * family id, by a pipeline file's model, or by a run of the run store — in floating point, or as
 * one of the run's quantized models.
 *
 * <p>Embeddings are what sentence-transformers makes of all-MiniLM-L6-v2: the sentence is
 * tokenized with the model's own tokenizer ({@code [CLS] … [SEP]}, truncated), the last hidden
 * state is averaged over the tokens (padding excluded), and the mean is scaled to unit L2 norm
 * unless asked not to. The graph is built for the longest line, so short input is cheap; padding
 * is masked, so the result does not depend on it.
 */
final class SentenceEncoder {

    /** sentence-transformers' {@code max_seq_length} for all-MiniLM-L6-v2: the default truncation of a bare family. */
    static final int SENTENCE_TRANSFORMERS_MAX_TOKENS = 256;
    /** The shortest window the encoder's options accept. */
    private static final int MIN_TOKENS = 4;

    private final String description;
    private final BertOnnx family;
    private final Options modelOptions;
    private final AttentionVariant attention;
    private final Options attentionOptions;
    private final long seed;
    private final int defaultMaxTokens;
    private final StoredQuantization quantized;

    private SentenceEncoder(String description, BertOnnx family, Options modelOptions, AttentionVariant attention, Options attentionOptions,
                            long seed, int defaultMaxTokens, StoredQuantization quantized) {
        this.description = description;
        this.family = family;
        this.modelOptions = modelOptions;
        this.attention = attention;
        this.attentionOptions = attentionOptions;
        this.seed = seed;
        this.defaultMaxTokens = defaultMaxTokens;
        this.quantized = quantized;
    }

    /** The embeddings of the lines, and how many lines were cut to the token limit. */
    record Embeddings(float[][] rows, int truncated, int maxTokens) {
    }

    /**
     * Finds the encoder a user names: a run of the run store, a pipeline file, or a model family.
     *
     * @param source    a run id, a pipeline file ({@code .yaml}, {@code .yml}, {@code .json}) or a model family id
     * @param quantized the label of one of the run's quantized models, or {@code null} for floating point
     * @throws IllegalArgumentException if nothing of that name exists, the model is no sentence
     *                                  encoder, or the run has no quantized model of that label
     * @throws org.inlier.runtime.config.PipelineException if the pipeline file is invalid
     */
    static SentenceEncoder resolve(String source, String quantized, RunStore runs, PluginRegistry registry) {
        Path runDir = runs.root().resolve(source);
        boolean isRun = source.matches("[A-Za-z0-9_.-]+") && !source.startsWith(".") && Files.isDirectory(runDir);
        if (isRun) {
            Path pipeline = runDir.resolve(PipelineRunner.PIPELINE_FILE);
            if (!Files.isRegularFile(pipeline)) {
                throw new IllegalArgumentException("run " + source + " has no " + PipelineRunner.PIPELINE_FILE + " (it never started)");
            }
            PipelineConfig config = PipelineValidator.validate(PipelineLoader.read(pipeline), pipeline.toString(), source, registry,
                    StageCatalog.builtIn());
            StoredQuantization stored = quantized == null ? null : StoredQuantization.load(source, runDir, quantized, config, registry);
            String what = "run " + source + (stored == null ? " (floating point)" : " (" + stored.label() + ", " + stored.file().getFileName() + ")");
            return fromPipeline(what, config, registry, stored);
        }
        if (quantized != null) {
            throw new IllegalArgumentException("no run '" + source + "' in " + runs.root() + " (--quantized takes a run id; 'inlier runs' lists them)");
        }
        if (source.matches(".*\\.(ya?ml|json)") && Files.isRegularFile(Path.of(source))) {
            Path file = Path.of(source);
            PipelineConfig config = PipelineValidator.validate(PipelineLoader.read(file), file.toString(),
                    file.getFileName().toString(), registry, StageCatalog.builtIn());
            return fromPipeline("the model of " + file + " (floating point)", config, registry, null);
        }
        ModelFamily family = registry.find(PluginKind.MODEL_FAMILY, source, ModelFamily.class).orElseThrow(() ->
                new IllegalArgumentException("'" + source + "' is neither a run in " + runs.root() + ", nor a pipeline file, nor a model family"
                        + " (model families: " + String.join(", ", registry.ids(PluginKind.MODEL_FAMILY)) + ")"));
        BertOnnx bert = sentenceEncoder(family);
        AttentionVariant vanilla = registry.require(PluginKind.ATTENTION_VARIANT, "vanilla", AttentionVariant.class);
        Options options = Options.withDefaults(bert.options(), Map.of());
        int positions = bert.positions(options);
        return new SentenceEncoder(source + (options.findString("path").isEmpty() ? " (the bundled all-MiniLM-L6-v2, floating point)" : ""),
                bert, options, vanilla, Options.withDefaults(vanilla.options(), Map.of()), 0,
                Math.min(SENTENCE_TRANSFORMERS_MAX_TOKENS, positions), null);
    }

    private static SentenceEncoder fromPipeline(String what, PipelineConfig config, PluginRegistry registry, StoredQuantization stored) {
        BertOnnx bert = sentenceEncoder(registry.require(PluginKind.MODEL_FAMILY, config.model().id(), ModelFamily.class));
        AttentionVariant attention = registry.require(PluginKind.ATTENTION_VARIANT, config.attention().id(), AttentionVariant.class);
        Options options = config.model().options();
        return new SentenceEncoder(what, bert, options, attention, config.attention().options(), config.seed(),
                bert.sequenceLength(options), stored);
    }

    private static BertOnnx sentenceEncoder(ModelFamily family) {
        if (family instanceof BertOnnx bert) {
            return bert;
        }
        throw new IllegalArgumentException("model family " + family.id() + " is no sentence encoder: 'inlier embed' takes a pretrained"
                + " encoder without an LM head (" + BertOnnx.ID + "), whose output is the last hidden state");
    }

    /** What is embedded with, for messages. */
    String description() {
        return description;
    }

    /** Tokens per line unless told otherwise: the pipeline's {@code seq}, or sentence-transformers' 256 for a bare family. */
    int defaultMaxTokens() {
        return defaultMaxTokens;
    }

    /**
     * Embeds every line.
     *
     * @param lines     the sentences, one per embedding
     * @param maxTokens tokens per line, {@code [CLS]} and {@code [SEP]} included, or {@code null} for {@link #defaultMaxTokens()}
     * @param normalize whether to scale each embedding to unit L2 norm
     * @param batch     lines per forward pass
     * @throws IllegalArgumentException if {@code maxTokens} exceeds what the model takes
     */
    Embeddings embed(List<String> lines, Integer maxTokens, boolean normalize, int batch) {
        int limit = maxTokens == null ? defaultMaxTokens : maxTokens;
        if (limit < MIN_TOKENS) {
            throw new IllegalArgumentException("--max-tokens must be at least " + MIN_TOKENS + ", got " + limit);
        }
        int positions = family.positions(modelOptions);
        if (limit > positions) {
            throw new IllegalArgumentException("--max-tokens " + limit + " is longer than the position table of the model ("
                    + positions + " positions)");
        }
        int[][] ids = new int[lines.size()][];
        int truncated = 0;
        int vocab;
        // One token more than the limit tells a line that fills the limit from one that was cut.
        try (WordPieceTokenizer tokenizer = family.tokenizer(withSeq(limit + 1))) {
            vocab = tokenizer.vocabSize();
            for (int i = 0; i < ids.length; i++) {
                int[] all = tokenizer.encode(lines.get(i));
                if (all.length > limit) {
                    // As Hugging Face truncates one sequence: drop text tokens at the end, keep the closing [SEP].
                    ids[i] = Arrays.copyOf(all, limit);
                    ids[i][limit - 1] = all[all.length - 1];
                    truncated++;
                } else {
                    ids[i] = all;
                }
            }
        }
        int seq = Math.max(MIN_TOKENS, Arrays.stream(ids).mapToInt(a -> a.length).max().orElse(MIN_TOKENS));
        Options options = withSeq(seq);
        ModelGraph model = build(options, vocab, seq);
        float[][] rows = new float[lines.size()][];
        for (int first = 0; first < ids.length; first += batch) {
            int count = Math.min(batch, ids.length - first);
            int[][] windows = new int[count][seq]; // padded with id 0 ([PAD])
            for (int b = 0; b < count; b++) {
                System.arraycopy(ids[first + b], 0, windows[b], 0, ids[first + b].length);
            }
            Map<String, INDArray> feeds = family.batch(windows, options, vocab, false, new Random(seed));
            INDArray hidden = model.sd().output(feeds, model.output()).get(model.output());
            double[][] pooled = MeanPooling.pool(hidden, feeds.get(PostLnEncoder.ATTENTION_MASK));
            if (normalize) {
                MeanPooling.normalize(pooled);
            }
            for (int b = 0; b < count; b++) {
                float[] row = new float[pooled[b].length];
                for (int j = 0; j < row.length; j++) {
                    row[j] = (float) pooled[b][j];
                }
                rows[first + b] = row;
            }
        }
        return new Embeddings(rows, truncated, limit);
    }

    private Options withSeq(int seq) {
        Map<String, Object> values = new HashMap<>(modelOptions.asMap());
        values.put("seq", seq);
        return Options.withDefaults(family.options(), values);
    }

    /** The model for windows of {@code seq} tokens, with the quantized model's weights and quantizers if there is one. */
    private ModelGraph build(Options options, int vocab, int seq) {
        SiteInstrumentation sites = quantized == null ? SiteInstrumentation.NONE : quantized;
        ModelGraph model = family.build(new ModelSpec(options, vocab, attention, attentionOptions, sites, seed, false));
        if (quantized != null) {
            quantized.checkAllApplied();
            load(model, quantized.weights(), seq);
        }
        return model;
    }

    /**
     * Sets the graph's arrays from stored weights; a stored table with more rows than the graph
     * needs (the position table, stored for the run's {@code seq}) gives its first rows.
     */
    private void load(ModelGraph model, Map<String, INDArray> weights, int seq) {
        List<String> misfits = new ArrayList<>();
        for (SDVariable v : model.sd().variables()) {
            INDArray stored = weights.get(v.name());
            if (stored == null || v.getArr() == null) {
                continue;
            }
            long[] shape = v.getArr().shape();
            if (Arrays.equals(stored.shape(), shape)) {
                v.setArray(stored.dup());
            } else if (stored.rank() == 2 && shape.length == 2 && stored.size(1) == shape[1] && stored.size(0) >= shape[0]) {
                v.setArray(stored.get(NDArrayIndex.interval(0, shape[0]), NDArrayIndex.all()).dup());
            } else if (stored.rank() == 2 && shape.length == 2 && stored.size(1) == shape[1]) {
                throw new IllegalArgumentException("the quantized model keeps " + stored.size(0) + " rows of " + v.name()
                        + " (the run's seq) but a line has " + shape[0] + " tokens: use --max-tokens " + stored.size(0) + " or less");
            } else {
                misfits.add(v.name() + " " + Arrays.toString(stored.shape()) + " vs " + Arrays.toString(shape));
            }
        }
        if (!misfits.isEmpty()) {
            throw new IllegalArgumentException("the quantized model's weights do not fit the model built for " + seq + " tokens: " + misfits);
        }
    }
}
