package org.inlier.plugins.models;

import java.util.ArrayList;
import java.util.List;
import org.inlier.api.attention.AttentionContext;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.model.NormLink;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.api.site.SiteKind;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
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
        SDVariable table = sites.weight(QuantizationSite.weight(name + ".weight", -1, 1),
                weight(name + ".weight", spec.vocabSize(), shape.hidden()));
        SDVariable oneHot = sd.oneHot(tokens, spec.vocabSize()).castTo(DataType.FLOAT); // (B, T, V)
        SDVariable flat = oneHot.reshape(-1, spec.vocabSize()); // (B·T, V)
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

        AttentionContext context = new AttentionContext(sd, name, x, heads, headDim, shape.seq(), causal);
        SDVariable probs = activation(name + ".probs", SiteKind.ATTENTION_PROBS, layer,
                spec.attention().probabilities(scores, context, spec.attentionOptions()));
        SDVariable perHead = spec.attention().headOutputs(sd.mmul(probs, v), context, spec.attentionOptions()); // (B, H, T, dh)
        SDVariable merged = activation(name + ".context", SiteKind.ATTENTION_CONTEXT, layer,
                perHead.permute(0, 2, 1, 3).reshape(-1, shape.seq(), shape.hidden())); // (B, T, D)
        return activation(name + ".out", SiteKind.ATTENTION_OUTPUT, layer,
                dropout(linear(name + ".out", merged, shape.hidden(), shape.hidden(), layer)));
    }

    /** The feed-forward block: linear, GELU, linear. */
    SDVariable feedForward(String name, SDVariable x, int layer) {
        SDVariable hidden = activation(name + ".hidden", SiteKind.FFN_HIDDEN, layer,
                sd.nn.gelu(linear(name + ".fc1", x, shape.hidden(), shape.ffn(), layer)));
        return activation(name + ".out", SiteKind.FFN_OUTPUT, layer, dropout(linear(name + ".fc2", hidden, shape.ffn(), shape.hidden(), layer)));
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

    private org.nd4j.linalg.api.ndarray.INDArray causalMask() {
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
