package org.inlier.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One benchmarked shape of a transformer and the batch it trains on, with the floating-point work
 * a training step does: a {@code decoder-clm} with its LM head, or a pretrained encoder without a
 * head retrofitted by distillation, whose step adds the teacher's forward pass.
 *
 * @param name   label used in the report
 * @param layers transformer blocks L
 * @param hidden model width D
 * @param heads  attention heads H
 * @param ffn    feed-forward width F
 * @param seq    tokens per window T
 * @param batch  windows per step B
 * @param vocab  vocabulary size V (84 for the character-level Brown corpus)
 * @param distillation whether this is a headless encoder trained by distillation (else a causal LM)
 */
public record ModelSize(String name, int layers, int hidden, int heads, int ffn, int seq, int batch, int vocab, boolean distillation) {

    /** Vocabulary of the character-level Brown corpus tokenizer. */
    public static final int BROWN_VOCAB = 84;

    /** The quickstart model: 2 layers, hidden 128, 4 heads, FFN 512, 64 tokens, batch 16. */
    public static ModelSize quickstart() {
        return new ModelSize("a: quickstart", 2, 128, 4, 512, 64, 16, BROWN_VOCAB, false);
    }

    /** Twice as wide and twice as deep: 4 layers, hidden 256, 4 heads, FFN 1024, batch 16. */
    public static ModelSize larger(int seq) {
        return new ModelSize("b: larger", 4, 256, 4, 1024, seq, 16, BROWN_VOCAB, false);
    }

    /** all-MiniLM-L6-v2 retrofitted as in {@code examples/retrofit-minilm.yaml}: 6 layers, hidden 384, 12 heads, FFN 1536, batch 16. */
    public static ModelSize miniLm(int seq) {
        return new ModelSize("m: MiniLM-L6 distillation", 6, 384, 12, 1536, seq, 16, MiniLmDistillation.VOCAB, true);
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
     * the optimiser are memory-bound and add a few percent at most): three times the forward
     * products of {@link #forwardGemms()} (backward = two products per forward product), plus the
     * teacher's forward pass for distillation. For the causal LM that is
     *
     * <pre>
     *   forward per token  = L·(8D² + 4DF + 4TD) + 4DV
     *                        (Q, K, V, out projections 4·2D²; FFN 2·2DF; QKᵀ and P·V 2·2TD over the
     *                         full T×T, since masking skips no work; one-hot embedding and LM head 2·2DV)
     *   training per step  = 3 × forward × N = 6 × matmul parameters × tokens + the attention terms
     * </pre>
     */
    public double trainingFlops() {
        return 3 * forwardGemms().stream().mapToDouble(Gemm::flops).sum() + teacherGemms().stream().mapToDouble(Gemm::flops).sum();
    }

    /** Parameters that enter a matrix product: L·(4D² + 2DF) + 2DV, or + DV without a head (biases, LayerNorms, positions excluded). */
    public long matmulParameters() {
        long d = hidden;
        return layers * (4 * d * d + 2 * d * ffn) + (distillation ? 1 : 2) * d * vocab;
    }

    /**
     * The forward matrix products of the trained model in one step, in the shapes the graph runs
     * them (the training graph looks tokens up by one-hot product); three times their FLOPs, plus
     * the teacher's, is {@link #trainingFlops()}.
     */
    public List<Gemm> forwardGemms() {
        int n = batch * seq;
        List<Gemm> gemms = new ArrayList<>();
        gemms.add(new Gemm(1, n, vocab, hidden)); // one-hot × embedding table
        gemms.addAll(layerGemms());
        if (!distillation) {
            gemms.add(new Gemm(1, n, hidden, vocab)); // LM head
        }
        return gemms;
    }

    /** The teacher's forward products (its tokens are gathered, not multiplied); none without distillation. */
    public List<Gemm> teacherGemms() {
        return distillation ? layerGemms() : List.of();
    }

    private List<Gemm> layerGemms() {
        int n = batch * seq;
        int headDim = hidden / heads;
        List<Gemm> gemms = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            for (int projection = 0; projection < 4; projection++) {
                gemms.add(new Gemm(1, n, hidden, hidden)); // q, k, v, out
            }
            gemms.add(new Gemm(batch * heads, seq, headDim, seq)); // Q Kᵀ
            gemms.add(new Gemm(batch * heads, seq, seq, headDim)); // P V
            gemms.add(new Gemm(1, n, hidden, ffn)); // fc1
            gemms.add(new Gemm(1, n, ffn, hidden)); // fc2
        }
        return gemms;
    }

    @Override
    public String toString() {
        return name + " (L=" + layers + ", D=" + hidden + ", H=" + heads + ", F=" + ffn + ", T=" + seq + ", B=" + batch + ", V=" + vocab + ")";
    }
}
