package org.inlier.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One benchmarked shape of the {@code decoder-clm} model and the batch it trains on, with the
 * floating-point work a training step does.
 *
 * @param name   label used in the report
 * @param layers transformer blocks L
 * @param hidden model width D
 * @param heads  attention heads H
 * @param ffn    feed-forward width F
 * @param seq    tokens per window T
 * @param batch  windows per step B
 * @param vocab  vocabulary size V (84 for the character-level Brown corpus)
 */
public record ModelSize(String name, int layers, int hidden, int heads, int ffn, int seq, int batch, int vocab) {

    /** Vocabulary of the character-level Brown corpus tokenizer. */
    public static final int BROWN_VOCAB = 84;

    /** The quickstart model: 2 layers, hidden 128, 4 heads, FFN 512, 64 tokens, batch 16. */
    public static ModelSize quickstart() {
        return new ModelSize("a: quickstart", 2, 128, 4, 512, 64, 16, BROWN_VOCAB);
    }

    /** Twice as wide and twice as deep: 4 layers, hidden 256, 4 heads, FFN 1024, batch 16. */
    public static ModelSize larger(int seq) {
        return new ModelSize("b: larger", 4, 256, 4, 1024, seq, 16, BROWN_VOCAB);
    }

    /** The model family's options for this shape (dropout stays at its default, 0). */
    public Map<String, Object> options() {
        return Map.of("layers", layers, "hidden", hidden, "heads", heads, "ffn", ffn, "seq", seq);
    }

    /** Tokens per step, N = B·T. */
    public long tokens() {
        return (long) batch * seq;
    }

    /**
     * FLOPs of one training step, counting the matrix products only (LayerNorm, GELU, softmax and
     * the optimiser are memory-bound and add a few percent at most):
     *
     * <pre>
     *   forward per token  = L·(8D² + 4DF + 4TD) + 4DV
     *                        (Q, K, V, out projections 4·2D²; FFN 2·2DF; QKᵀ and P·V 2·2TD over the
     *                         full T×T, since masking skips no work; one-hot embedding and LM head 2·2DV)
     *   training per step  = 3 × forward × N        (backward = two products per forward product)
     *                      = 6 × N × [L·(4D² + 2DF) + 2DV]  +  12 × N × L·T·D
     *                      = 6 × matmul parameters × tokens  +  the attention terms
     * </pre>
     */
    public double trainingFlops() {
        double d = hidden;
        double forwardPerToken = layers * (8 * d * d + 4 * d * ffn + 4.0 * seq * d) + 4 * d * vocab;
        return 3 * forwardPerToken * tokens();
    }

    /** Parameters that enter a matrix product: L·(4D² + 2DF) + 2DV (biases, LayerNorms and positions excluded). */
    public long matmulParameters() {
        long d = hidden;
        return layers * (4 * d * d + 2 * d * ffn) + 2 * d * vocab;
    }

    /**
     * The forward matrix products of one step, in the shapes the graph runs them; three times
     * their FLOPs is {@link #trainingFlops()}.
     */
    public List<Gemm> forwardGemms() {
        int n = batch * seq;
        int headDim = hidden / heads;
        List<Gemm> gemms = new ArrayList<>();
        gemms.add(new Gemm(1, n, vocab, hidden)); // one-hot × embedding table
        for (int i = 0; i < layers; i++) {
            for (int projection = 0; projection < 4; projection++) {
                gemms.add(new Gemm(1, n, hidden, hidden)); // q, k, v, out
            }
            gemms.add(new Gemm(batch * heads, seq, headDim, seq)); // Q Kᵀ
            gemms.add(new Gemm(batch * heads, seq, seq, headDim)); // P V
            gemms.add(new Gemm(1, n, hidden, ffn)); // fc1
            gemms.add(new Gemm(1, n, ffn, hidden)); // fc2
        }
        gemms.add(new Gemm(1, n, hidden, vocab)); // LM head
        return gemms;
    }

    @Override
    public String toString() {
        return name + " (L=" + layers + ", D=" + hidden + ", H=" + heads + ", F=" + ffn + ", T=" + seq + ", B=" + batch + ", V=" + vocab + ")";
    }
}
