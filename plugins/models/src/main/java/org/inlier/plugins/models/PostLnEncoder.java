package org.inlier.plugins.models;

import java.util.Arrays;
import java.util.List;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.model.NormLink;
import org.inlier.api.site.SiteKind;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The body of a BERT-style encoder: token + position embeddings, an embedding LayerNorm, and
 * post-LN blocks {@code x = LN1(x + Attn(x)); x = LN2(x + FFN(x))} with bidirectional attention
 * and exact (erf) GELU. Shared by {@code encoder-mlm} and by importers of pretrained BERTs, whose
 * weights map one to one onto the variables named here.
 *
 * <p>Placeholders: {@value #TOKENS} {@code (B, T)} ids and {@value #ATTENTION_MASK} {@code (B, T)}
 * with 1 for tokens and 0 for padding (turned into −1e9 on the key axis after the scores site, so
 * the mask never enters a quantization range).
 *
 * <p>Site names: {@code embed.sum}, {@code embed.ln.out}; per layer {@code layer.i.attn.q/k/v},
 * {@code .scores}, {@code .probs}, {@code .context}, {@code .out}, {@code layer.i.attn.residual},
 * {@code layer.i.ln1.out}, {@code layer.i.ffn.hidden/out}, {@code layer.i.ffn.residual},
 * {@code layer.i.ln2.out}; every weight as {@code <linear>.weight}. In a post-LN block a LayerNorm's
 * input is the residual sum just before it, so the residual sites are the LayerNorm inputs and are
 * not declared twice. The last {@code layer.i.ln2.out} is the last hidden state.
 *
 * <p>Post-LN shortcuts: each LayerNorm output feeds the next block's projections <em>and</em> the
 * next residual shortcut, which is built as {@code ln_out ⊙ <ln>.shortcut_scale} with a constant
 * of ones {@code (D)}; its name is in the LayerNorm's {@link NormLink#shortcutScale()}, so Gamma
 * Migration can fold γ into the shortcut too. Being a constant, training never changes it.
 */
public final class PostLnEncoder {

    /** Placeholder of the token ids, {@code (B, T)} integers. */
    public static final String TOKENS = "tokens";
    /** Placeholder of the padding mask, {@code (B, T)}: 1 = token, 0 = padding. */
    public static final String ATTENTION_MASK = ModelGraph.PADDING_MASK;

    private final TransformerShape shape;
    private final TransformerLayers blocks;
    private final SDVariable tokens;
    private final SDVariable attentionMask;

    /**
     * Starts an encoder graph: creates the placeholders and seeds weight initialisation.
     *
     * @param sd    the graph to build into
     * @param spec  vocabulary, attention variant, sites, seed and whether to build for training
     * @param shape the encoder's size
     */
    public PostLnEncoder(SameDiff sd, ModelSpec spec, TransformerShape shape) {
        this.shape = shape;
        this.blocks = new TransformerLayers(sd, spec, shape);
        this.tokens = sd.placeHolder(TOKENS, DataType.INT, -1, shape.seq());
        this.attentionMask = sd.placeHolder(ATTENTION_MASK, DataType.FLOAT, -1, shape.seq());
    }

    /**
     * Builds the embeddings and every layer.
     *
     * @param tokenRows      rows of the token embedding table (ids must lie below it)
     * @param oneHot         look tokens up through one-hot × table (training) rather than gather
     *                       (inference over a large vocabulary); see {@link TransformerLayers#tokenEmbedding}
     * @param finalConsumers the linear layers that read the last hidden state (recorded in the last
     *                       LayerNorm's {@link NormLink}); empty when it is the model's output
     * @return the last hidden state {@code (B, T, D)}
     */
    public SDVariable encode(int tokenRows, boolean oneHot, List<String> finalConsumers) {
        SDVariable embeddings = blocks.tokenEmbedding(tokens, "embed.token", tokenRows, oneHot)
                .add(blocks.positionEmbedding("embed.position")); // (B, T, D)
        SDVariable sum = blocks.activation("embed.sum", SiteKind.EMBEDDING_SUM, -1, embeddings);
        SDVariable x = blocks.dropout(blocks.layerNorm("embed.ln", sum, -1, false));
        SDVariable keyMask = blocks.keyPaddingMask(attentionMask);
        String previousNorm = "embed.ln";

        for (int i = 0; i < shape.layers(); i++) {
            String layer = "layer." + i;
            blocks.linkNorm(previousNorm, List.of(layer + ".attn.q", layer + ".attn.k", layer + ".attn.v"), scaleOf(previousNorm));
            SDVariable attn = blocks.selfAttention(layer + ".attn", x, i, false, keyMask);
            SDVariable attnSum = blocks.activation(layer + ".attn.residual", SiteKind.RESIDUAL, i,
                    shortcut(previousNorm, x).add(attn));
            x = blocks.layerNorm(layer + ".ln1", attnSum, i, false);

            blocks.linkNorm(layer + ".ln1", List.of(layer + ".ffn.fc1"), scaleOf(layer + ".ln1"));
            SDVariable ffn = blocks.feedForward(layer + ".ffn", x, i, blocks::geluExact);
            SDVariable ffnSum = blocks.activation(layer + ".ffn.residual", SiteKind.RESIDUAL, i,
                    shortcut(layer + ".ln1", x).add(ffn));
            x = blocks.layerNorm(layer + ".ln2", ffnSum, i, false);
            previousNorm = layer + ".ln2";
        }
        blocks.linkNorm(previousNorm, finalConsumers, null);
        return x;
    }

    /**
     * The token ids an encoder reads from a batch of windows: the runtime cuts {@code T + 1} tokens
     * per window for every family (a causal model needs the next token as target); an encoder
     * predicts nothing from the next token, so the extra one is dropped. Windows of exactly
     * {@code T} tokens are taken as they are.
     *
     * @param windows   {@code (B, T + 1)} or {@code (B, T)} ids
     * @param seq       the encoder's sequence length T
     * @param vocabSize ids must lie in {@code [0, vocabSize)}
     * @return {@code (B, T)} ids
     * @throws IllegalArgumentException if a window has another length or an id lies outside the vocabulary
     */
    public static int[][] inputs(int[][] windows, int seq, int vocabSize) {
        int[][] inputs = new int[windows.length][];
        for (int b = 0; b < windows.length; b++) {
            if (windows[b].length != seq && windows[b].length != seq + 1) {
                throw new IllegalArgumentException("window " + b + " has " + windows[b].length + " tokens, expected seq = "
                        + seq + " (or seq + 1 = " + (seq + 1) + ")");
            }
            inputs[b] = Arrays.copyOf(windows[b], seq);
            for (int t = 0; t < seq; t++) {
                if (inputs[b][t] < 0 || inputs[b][t] >= vocabSize) {
                    throw new IllegalArgumentException("token id " + inputs[b][t] + " at window " + b + ", position " + t
                            + " is outside the vocabulary [0, " + vocabSize + ")");
                }
            }
        }
        return inputs;
    }

    /** Every LayerNorm built so far with the weights (and shortcut) that consume its output. */
    public List<NormLink> norms() {
        return blocks.norms();
    }

    /** The building blocks, for heads built on top of the encoder. */
    TransformerLayers blocks() {
        return blocks;
    }

    /** The residual shortcut from a LayerNorm's output, {@code ln_out ⊙ <ln>.shortcut_scale}. */
    private SDVariable shortcut(String norm, SDVariable normOutput) {
        return normOutput.mul(blocks.shortcutScale(scaleOf(norm)));
    }

    private static String scaleOf(String norm) {
        return norm + ".shortcut_scale";
    }
}
