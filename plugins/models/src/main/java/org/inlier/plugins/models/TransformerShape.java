package org.inlier.plugins.models;

import java.util.List;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;

/**
 * The size of a transformer, shared by the language-model families.
 *
 * @param layers  number of transformer blocks
 * @param hidden  model width D
 * @param heads   attention heads; must divide {@code hidden}
 * @param ffn     width of the feed-forward block's hidden layer (4·D is the usual choice)
 * @param seq     tokens per window T (fixed: position embeddings and clipped softmax's γ = −α/T depend on it)
 * @param dropout dropout probability on the attention output, FFN output and embeddings during training
 */
public record TransformerShape(int layers, int hidden, int heads, int ffn, int seq, double dropout) {

    /** The options every transformer family declares; defaults are the 2-core quickstart size. */
    public static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.integer("layers", 2, 1, 48, "number of transformer blocks"),
            OptionSpec.integer("hidden", 128, 8, 4096, "model width"),
            OptionSpec.integer("heads", 4, 1, 64, "attention heads (must divide hidden)"),
            OptionSpec.integer("ffn", 512, 8, 16384, "feed-forward hidden width"),
            OptionSpec.integer("seq", 64, 4, 4096, "tokens per window"),
            OptionSpec.number("dropout", 0.0, 0.0, 0.9, "dropout probability during training"));

    public TransformerShape {
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden " + hidden + " is not divisible by heads " + heads);
        }
        if (layers < 1 || ffn < 1 || seq < 1) {
            throw new IllegalArgumentException("layers, ffn and seq must be positive: " + layers + ", " + ffn + ", " + seq);
        }
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    /** Reads the shape from validated family options. */
    public static TransformerShape of(Options options) {
        return new TransformerShape(options.getInt("layers"), options.getInt("hidden"), options.getInt("heads"),
                options.getInt("ffn"), options.getInt("seq"), options.getDouble("dropout"));
    }

    /** Features per head. */
    public int headDim() {
        return hidden / heads;
    }
}
