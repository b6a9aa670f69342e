package org.inlier.plugins.models;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.inlier.api.model.ModelFamily;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.site.SiteKind;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A BERT-style masked language model: the post-LN, bidirectional {@link PostLnEncoder} with any
 * attention variant, BERT's MLM head, and the masked-token loss of {@link TokenMasking}.
 *
 * <p>[MASK] is an extra id, {@code vocabSize}: the data sets' tokenizers have no [MASK], so the
 * token embedding table has {@code vocabSize + 1} rows while the head predicts only the
 * {@code vocabSize} real tokens.
 *
 * <p>The head is BERT's: {@code head.transform} (D → D, exact GELU), the LayerNorm {@code head.ln},
 * and the untied decoder {@code head.decoder} (D → V). The transform keeps the last layer from
 * having to serve as both the representation and the vocabulary projection, as in BERT; untied,
 * so that rewrites of the decoder (Gamma Migration folds {@code head.ln}'s γ into it) never touch
 * the input embeddings. Sites: those of {@link PostLnEncoder}, then {@code head.transform.out},
 * {@code head.ln.out} and {@code head.logits}; the graph's output is the logits.
 *
 * <p>Placeholders: {@code tokens} (corrupted ids), {@code attention_mask} (all ones: training
 * windows are fixed-length and unpadded), {@code targets} (original ids) and {@code loss_mask}
 * (1 at prediction targets). The loss is the mean cross-entropy in nats over the targets only.
 */
public final class EncoderMlm implements ModelFamily {

    static final String TARGETS = "targets";
    static final String LOSS_MASK = "loss_mask";

    @Override
    public String id() {
        return "encoder-mlm";
    }

    @Override
    public String description() {
        return "bidirectional encoder (BERT-style, post-LN) trained on masked-token prediction (15% targets, 80/10/10)";
    }

    @Override
    public List<OptionSpec> options() {
        return TransformerShape.OPTIONS;
    }

    @Override
    public int sequenceLength(Options options) {
        return options.getInt("seq");
    }

    @Override
    public ModelGraph build(ModelSpec spec) {
        TransformerShape shape = TransformerShape.of(spec.options());
        int vocab = spec.vocabSize();
        SameDiff sd = SameDiff.create();
        PostLnEncoder encoder = new PostLnEncoder(sd, spec, shape);
        SDVariable targets = sd.placeHolder(TARGETS, DataType.INT, -1, shape.seq());
        SDVariable lossMask = sd.placeHolder(LOSS_MASK, DataType.FLOAT, -1, shape.seq());

        SDVariable hidden = encoder.encode(vocab + 1, true, List.of("head.transform"));
        TransformerLayers blocks = encoder.blocks();
        SDVariable transformed = blocks.activation("head.transform.out", SiteKind.FFN_HIDDEN, -1,
                blocks.geluExact(blocks.linear("head.transform", hidden, shape.hidden(), shape.hidden(), -1)));
        SDVariable headNorm = blocks.layerNorm("head.ln", transformed, -1, false);
        blocks.linkNorm("head.ln", List.of("head.decoder"), null);
        SDVariable logits = blocks.activation("head.logits", SiteKind.HEAD_OUTPUT, -1,
                blocks.linear("head.decoder", headNorm, shape.hidden(), vocab, -1)); // (B, T, V)

        // Over the last axis: logSoftmax's dimension overload fails in backprop (ND4J 1.0.0-M2.1).
        SDVariable logProbs = sd.nn.logSoftmax(logits.reshape(-1, vocab)); // (B·T, V)
        SDVariable labels = sd.oneHot(targets, vocab).castTo(DataType.FLOAT).reshape(-1, vocab); // (B·T, V)
        SDVariable tokenLoss = logProbs.mul(labels).sum(1).neg(); // (B·T)
        SDVariable weights = lossMask.reshape(-1); // (B·T)
        tokenLoss.mul(weights).sum().div(weights.sum()).rename("loss");

        return new ModelGraph(sd, List.of(PostLnEncoder.TOKENS, PostLnEncoder.ATTENTION_MASK, TARGETS, LOSS_MASK),
                "loss", logits.name(), encoder.norms());
    }

    /**
     * Masks a batch as described in {@link TokenMasking}, with [MASK] = {@code vocabSize}.
     *
     * @param windows {@code (B, T + 1)} or {@code (B, T)} ids; see {@link PostLnEncoder#inputs}
     */
    @Override
    public Map<String, INDArray> batch(int[][] windows, Options options, int vocabSize, boolean training, Random random) {
        int seq = options.getInt("seq");
        TokenMasking.Masked masked = TokenMasking.apply(PostLnEncoder.inputs(windows, seq, vocabSize), vocabSize, vocabSize, training, random);
        return Map.of(
                PostLnEncoder.TOKENS, Nd4j.createFromArray(masked.inputs()),
                PostLnEncoder.ATTENTION_MASK, Nd4j.ones(DataType.FLOAT, windows.length, seq),
                TARGETS, Nd4j.createFromArray(masked.targets()),
                LOSS_MASK, Nd4j.createFromArray(masked.selected()));
    }
}
