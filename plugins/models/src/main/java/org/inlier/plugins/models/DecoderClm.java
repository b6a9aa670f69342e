package org.inlier.plugins.models;

import java.util.Arrays;
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
 * An OPT/GPT-style causal language model: pre-LN blocks, causal self-attention, GELU MLP, a
 * final LayerNorm and an untied LM head, trained on next-token prediction.
 *
 * <p>Site names: {@code embed.sum}; per layer {@code layer.i.ln1.in/out}, {@code layer.i.attn.q/k/v},
 * {@code .scores}, {@code .probs}, {@code .context}, {@code .out}, {@code layer.i.attn.residual},
 * {@code layer.i.ln2.out}, {@code layer.i.ffn.hidden/out}, {@code layer.i.ffn.residual}; then
 * {@code final_ln.out} and {@code head.logits}; every weight as {@code <linear>.weight}.
 * In a pre-LN block the LayerNorm inputs are the residual stream: {@code layer.i.ln1.in} is the
 * block input and the second LayerNorm's input is {@code layer.i.attn.residual}.
 */
public final class DecoderClm implements ModelFamily {

    static final String TOKENS = "tokens";
    static final String TARGETS = "targets";

    @Override
    public String id() {
        return "decoder-clm";
    }

    @Override
    public String description() {
        return "causal decoder (OPT-style, pre-LN) trained on next-token prediction";
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
        SameDiff sd = SameDiff.create();
        TransformerLayers blocks = new TransformerLayers(sd, spec, shape);

        SDVariable tokens = sd.placeHolder(TOKENS, DataType.INT, -1, shape.seq());
        SDVariable targets = sd.placeHolder(TARGETS, DataType.INT, -1, shape.seq());

        SDVariable x = blocks.tokenEmbedding(tokens, "embed.token").add(blocks.positionEmbedding("embed.position"));
        x = blocks.activation("embed.sum", SiteKind.EMBEDDING_SUM, -1, blocks.dropout(x)); // (B, T, D)

        for (int i = 0; i < shape.layers(); i++) {
            x = blocks.preLnBlock(i, x, true);
        }

        SDVariable finalNorm = blocks.layerNorm("final_ln", x, -1, false);
        blocks.linkNorm("final_ln", List.of("head"), null);
        SDVariable logits = blocks.activation("head.logits", SiteKind.HEAD_OUTPUT, -1,
                blocks.linear("head", finalNorm, shape.hidden(), spec.vocabSize(), -1)); // (B, T, V)

        SDVariable flatLogits = logits.reshape(-1, spec.vocabSize()); // (B·T, V)
        SDVariable labels = sd.oneHot(targets, spec.vocabSize()).castTo(DataType.FLOAT).reshape(-1, spec.vocabSize());
        // Mean next-token cross-entropy in nats, so exp(loss) is the perplexity.
        // Over the last axis: logSoftmax's dimension overload fails in backprop (ND4J 1.0.0-M2.1).
        SDVariable logProbs = sd.nn.logSoftmax(flatLogits);
        logProbs.mul(labels).sum(1).mean().neg().rename("loss");

        return new ModelGraph(sd, List.of(TOKENS, TARGETS), "loss", logits.name(), blocks.norms());
    }

    @Override
    public Map<String, INDArray> batch(int[][] windows, Options options, int vocabSize, boolean training, Random random) {
        int t = options.getInt("seq");
        int[][] inputs = new int[windows.length][];
        int[][] targets = new int[windows.length][];
        for (int b = 0; b < windows.length; b++) {
            if (windows[b].length != t + 1) {
                throw new IllegalArgumentException("window " + b + " has " + windows[b].length + " tokens, expected seq + 1 = " + (t + 1));
            }
            inputs[b] = Arrays.copyOfRange(windows[b], 0, t);
            targets[b] = Arrays.copyOfRange(windows[b], 1, t + 1);
        }
        return Map.of(TOKENS, Nd4j.createFromArray(inputs), TARGETS, Nd4j.createFromArray(targets));
    }
}
