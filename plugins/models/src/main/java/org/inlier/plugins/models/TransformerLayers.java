package org.inlier.plugins.models;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.inlier.api.attention.AttentionContext;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.model.NormLink;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.api.site.SiteKind;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The building blocks of the transformer families, each passing its tensors through the
 * quantization sites. Activations are {@code (B, T, D)} between blocks.
 */
final class TransformerLayers {

    /** GPT-2 / BERT initialisation: weights ~ N(0, 0.02²). */
    private static final double INIT_STD = 0.02;
    /** Added to masked attention scores; large enough that softmax gives them no mass. */
    private static final double MASKED = -1e9;

    private final SameDiff sd;
    private final ModelSpec spec;
    private final TransformerShape shape;
    private final SiteInstrumentation sites;
    private final List<NormLink> norms = new ArrayList<>();

    TransformerLayers(SameDiff sd, ModelSpec spec, TransformerShape shape) {
        this.sd = sd;
        this.spec = spec;
        this.shape = shape;
        this.sites = spec.sites();
        Nd4j.getRandom().setSeed(spec.seed());
    }

    /** The LayerNorms built so far, with their consumers. */
    List<NormLink> norms() {
        return norms;
    }

    /** A trainable weight initialised ~ N(0, 0.02²). */
    SDVariable weight(String name, long... shape) {
        return sd.var(name, Nd4j.randn(DataType.FLOAT, shape).muli(INIT_STD));
    }

    /** Token embedding through one-hot × table: SameDiff's gather has a pathologically slow backward pass. */
    SDVariable tokenEmbedding(SDVariable tokens, String name) {
        return tokenEmbedding(tokens, name, spec.vocabSize(), true);
    }

    /**
     * Token embedding with a table of {@code rows} rows.
     *
     * @param oneHot whether to look up through one-hot × table (fast backward pass, but a
     *               {@code (B·T, rows)} intermediate) or through gather (no such intermediate; what
     *               an inference graph over a 30k-token vocabulary needs)
     */
    SDVariable tokenEmbedding(SDVariable tokens, String name, int rows, boolean oneHot) {
        SDVariable table = sites.weight(QuantizationSite.weight(name + ".weight", -1, 1),
                weight(name + ".weight", rows, shape.hidden()));
        if (!oneHot) {
            return sd.gather(table, tokens, 0); // (B, T, D)
        }
        SDVariable flat = sd.oneHot(tokens, rows).castTo(DataType.FLOAT).reshape(-1, rows); // (B·T, rows)
        return sd.mmul(flat, table).reshape(-1, shape.seq(), shape.hidden()); // (B, T, D)
    }

    /** Learned absolute position embeddings, broadcast over the batch. */
    SDVariable positionEmbedding(String name) {
        return sites.weight(QuantizationSite.weight(name + ".weight", -1, 1), weight(name + ".weight", shape.seq(), shape.hidden()));
    }

    /** {@code x W + b} on the last axis, with the weight declared as a site; {@code x} is {@code (B, T, in)}. */
    SDVariable linear(String name, SDVariable x, int in, int out, int layer) {
        SDVariable w = sites.weight(QuantizationSite.weight(name + ".weight", layer, 1), weight(name + ".weight", in, out));
        SDVariable b = sd.var(name + ".bias", Nd4j.zeros(DataType.FLOAT, out));
        SDVariable flat = x.reshape(-1, in); // (B·T, in)
        return sd.mmul(flat, w).add(b).reshape(-1, shape.seq(), out); // (B, T, out)
    }

    /** LayerNorm over features with γ = 1, β = 0 at start; input and output are sites. */
    SDVariable layerNorm(String name, SDVariable x, int layer, boolean inputIsSite) {
        SDVariable in = inputIsSite ? sites.activation(QuantizationSite.activation(name + ".in", SiteKind.LAYERNORM_INPUT, layer), x) : x;
        SDVariable gamma = sd.var(name + ".gamma", Nd4j.ones(DataType.FLOAT, shape.hidden()));
        SDVariable beta = sd.var(name + ".beta", Nd4j.zeros(DataType.FLOAT, shape.hidden()));
        SDVariable out = sd.nn.layerNorm(in, gamma, beta, false, 2);
        return sites.activation(QuantizationSite.activation(name + ".out", SiteKind.LAYERNORM_OUTPUT, layer), out);
    }

    /** Records which weights consume a LayerNorm's output, for exact rewrites like Gamma Migration. */
    void linkNorm(String name, List<String> consumerLinears, String shortcutScale) {
        norms.add(new NormLink(name + ".out", name + ".gamma", name + ".beta",
                consumerLinears.stream().map(l -> l + ".weight").toList(), shortcutScale));
    }

    /** Multi-head self-attention with the configured variant; returns the output projection {@code (B, T, D)}. */
    SDVariable selfAttention(String name, SDVariable x, int layer, boolean causal) {
        return selfAttention(name, x, layer, causal, null);
    }

    /**
     * Multi-head self-attention whose scores also get an additive key mask after the scores site.
     *
     * @param keyMask {@code (B, 1, 1, T)}, 0 for keys to attend to and very negative for padding
     *                (see {@link #keyPaddingMask}); {@code null} for none
     */
    SDVariable selfAttention(String name, SDVariable x, int layer, boolean causal, SDVariable keyMask) {
        int heads = shape.heads();
        int headDim = shape.headDim();
        SDVariable q = splitHeads(activation(name + ".q", SiteKind.QKV_OUTPUT, layer, linear(name + ".q", x, shape.hidden(), shape.hidden(), layer)));
        SDVariable k = splitHeads(activation(name + ".k", SiteKind.QKV_OUTPUT, layer, linear(name + ".k", x, shape.hidden(), shape.hidden(), layer)));
        SDVariable v = splitHeads(activation(name + ".v", SiteKind.QKV_OUTPUT, layer, linear(name + ".v", x, shape.hidden(), shape.hidden(), layer)));

        // The scores site comes before the mask: −1e9 entries would otherwise set its quantization range.
        SDVariable scores = activation(name + ".scores", SiteKind.ATTENTION_SCORES, layer,
                sd.mmul(q, k, false, true, false).mul(1.0 / Math.sqrt(headDim))); // (B, H, T, T)
        if (causal) {
            scores = scores.add(sd.constant(name + ".mask", causalMask()));
        }
        if (keyMask != null) {
            scores = scores.add(keyMask);
        }

        AttentionContext context = new AttentionContext(sd, name, x, heads, headDim, shape.seq(), causal);
        SDVariable probs = activation(name + ".probs", SiteKind.ATTENTION_PROBS, layer,
                spec.attention().probabilities(scores, context, spec.attentionOptions()));
        SDVariable perHead = spec.attention().headOutputs(sd.mmul(probs, v), context, spec.attentionOptions()); // (B, H, T, dh)
        SDVariable merged = activation(name + ".context", SiteKind.ATTENTION_CONTEXT, layer,
                perHead.permute(0, 2, 1, 3).reshape(-1, shape.seq(), shape.hidden())); // (B, T, D)
        return activation(name + ".out", SiteKind.ATTENTION_OUTPUT, layer,
                dropout(linear(name + ".out", merged, shape.hidden(), shape.hidden(), layer)));
    }

    /**
     * One pre-LN block, {@code x + attn(LN1(x))} then {@code x + ffn(LN2(x))}, named {@code layer.i.*}.
     * The LayerNorm inputs are the residual stream: {@code layer.i.ln1.in} is the block input and
     * the second LayerNorm's input is {@code layer.i.attn.residual}.
     */
    SDVariable preLnBlock(int index, SDVariable x, boolean causal) {
        String layer = "layer." + index;
        SDVariable attnIn = layerNorm(layer + ".ln1", x, index, true);
        linkNorm(layer + ".ln1", List.of(layer + ".attn.q", layer + ".attn.k", layer + ".attn.v"), null);
        SDVariable mid = activation(layer + ".attn.residual", SiteKind.RESIDUAL, index, x.add(selfAttention(layer + ".attn", attnIn, index, causal)));

        SDVariable ffnIn = layerNorm(layer + ".ln2", mid, index, false);
        linkNorm(layer + ".ln2", List.of(layer + ".ffn.fc1"), null);
        return activation(layer + ".ffn.residual", SiteKind.RESIDUAL, index, mid.add(feedForward(layer + ".ffn", ffnIn, index)));
    }

    /** The feed-forward block: linear, GELU (ND4J's sigmoid approximation), linear. */
    SDVariable feedForward(String name, SDVariable x, int layer) {
        return feedForward(name, x, layer, sd.nn::gelu);
    }

    /** The feed-forward block: linear, the given non-linearity, linear. */
    SDVariable feedForward(String name, SDVariable x, int layer, UnaryOperator<SDVariable> nonLinearity) {
        SDVariable hidden = activation(name + ".hidden", SiteKind.FFN_HIDDEN, layer,
                nonLinearity.apply(linear(name + ".fc1", x, shape.hidden(), shape.ffn(), layer)));
        return activation(name + ".out", SiteKind.FFN_OUTPUT, layer, dropout(linear(name + ".fc2", hidden, shape.ffn(), shape.hidden(), layer)));
    }

    /**
     * The exact GELU {@code x·Φ(x) = 0.5·x·(1 + erf(x/√2))} of BERT. ND4J's {@code gelu} is the
     * sigmoid approximation {@code x·σ(1.702x)}, which is off by up to 0.02 and would keep an
     * imported BERT from matching its original.
     */
    SDVariable geluExact(SDVariable x) {
        return x.mul(sd.math.erf(x.mul(Math.sqrt(0.5))).add(1.0)).mul(0.5);
    }

    /**
     * The additive key mask of a padding mask: 0 where {@code attentionMask} is 1 (a token) and
     * −1e9 where it is 0 (padding), so no query attends to padding.
     *
     * @param attentionMask {@code (B, T)}, 1 = token, 0 = padding
     * @return {@code (B, 1, 1, T)}, broadcast over heads and queries
     */
    SDVariable keyPaddingMask(SDVariable attentionMask) {
        return attentionMask.castTo(DataType.FLOAT).rsub(1.0).mul(MASKED).reshape(-1, 1, 1, shape.seq()); // (B, 1, 1, T)
    }

    /**
     * The scale of a post-LN residual shortcut, ones {@code (D)}: a constant, so training never
     * changes it; only exact rewrites such as Gamma Migration set it (to γ).
     */
    SDVariable shortcutScale(String name) {
        return sd.constant(name, Nd4j.ones(DataType.FLOAT, shape.hidden()));
    }

    /** Declares an activation site. */
    SDVariable activation(String name, SiteKind kind, int layer, SDVariable x) {
        return sites.activation(QuantizationSite.activation(name, kind, layer), x);
    }

    /** Dropout during training only; the inference graph has no dropout ops at all. */
    SDVariable dropout(SDVariable x) {
        return spec.training() && shape.dropout() > 0 ? sd.nn.dropoutInverted(x, 1.0 - shape.dropout()) : x;
    }

    private SDVariable splitHeads(SDVariable x) {
        return x.reshape(-1, shape.seq(), shape.heads(), shape.headDim()) // (B, T, H, dh)
                .permute(0, 2, 1, 3); // (B, H, T, dh)
    }

    private INDArray causalMask() {
        int t = shape.seq();
        float[] mask = new float[t * t];
        for (int row = 0; row < t; row++) {
            for (int col = row + 1; col < t; col++) {
                mask[row * t + col] = (float) MASKED;
            }
        }
        return Nd4j.create(mask, new long[] {t, t}, DataType.FLOAT);
    }
}
