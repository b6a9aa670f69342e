package org.inlier.plugins.attention;

import java.util.Arrays;

import org.inlier.api.attention.AttentionContext;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The gate networks G of gated attention, each mapping the layer input {@code (B, T, D)} to one
 * gate logit per token and head {@code (B, T, H)}; Bondarenko et al. 2023, section 4.2.
 *
 * <p>The per-head networks read only their head's slice {@code x[..., h·dh : (h+1)·dh]}. All heads
 * are evaluated as one product with a block-diagonal weight (the per-head weights masked into
 * their blocks), so every gate type is the same graph of a few ops. That costs H times the
 * multiply-adds of separate per-head products, still small next to the Q, K and V projections.
 * Batch size and sequence length are read at run time, so any T works, not only the configured one.
 *
 * <p>Initialisation: the output bias is {@code logit(π_init)}, so every gate starts near π_init;
 * the output weights are drawn from N(0, 0.01²) so the gate starts almost independent of the
 * input (as the paper's fine-tuning recipe does). The hidden layer of {@link #MLP} uses
 * N(0, 1/dh) weights and zero bias so its ReLU features carry signal from the start. Random
 * values come from ND4J's global generator, so the run's seed makes them reproducible.
 */
public enum GateNetwork {

    /** Per head, a linear {@code dh → 1}: weight {@code (H, dh)}, bias {@code (H)}. */
    LINEAR("linear") {
        @Override
        SDVariable logits(AttentionContext ctx, double initialBias) {
            int heads = ctx.heads();
            int dh = ctx.headDim();
            DataType type = ctx.layerInput().dataType();
            SDVariable weight = ctx.sd().var(ctx.scope() + ".gate.weight", small(type, heads, dh));
            SDVariable bias = ctx.sd().var(ctx.scope() + ".gate.bias", filled(type, initialBias, heads));
            SDVariable column = weight.reshape(ctx.hidden(), 1); // (D, 1): row h·dh + j holds weight[h, j]
            SDVariable blockWeight = column.mul(blocks(ctx.sd(), ctx.scope() + ".gate.blocks", type, heads, dh));
            return project(ctx.layerInput(), blockWeight, ctx.hidden(), heads).add(bias); // (B, T, H)
        }
    },

    /** Per head, {@code dh → dh/4 → ReLU → 1} (hidden width at least 1). */
    MLP("mlp") {
        @Override
        SDVariable logits(AttentionContext ctx, double initialBias) {
            int heads = ctx.heads();
            int dh = ctx.headDim();
            int width = Math.max(1, dh / 4);
            DataType type = ctx.layerInput().dataType();
            SameDiff sd = ctx.sd();
            String prefix = ctx.scope() + ".gate";
            SDVariable hiddenWeight = sd.var(prefix + ".hidden.weight",
                    Nd4j.randn(type, heads, dh, width).muli(1.0 / Math.sqrt(dh)));
            SDVariable hiddenBias = sd.var(prefix + ".hidden.bias", Nd4j.zeros(type, heads, width));
            SDVariable weight = sd.var(prefix + ".weight", small(type, heads, width));
            SDVariable bias = sd.var(prefix + ".bias", filled(type, initialBias, heads));

            // (D, 1, w): row h·dh + j holds hiddenWeight[h, j, :]; masked by (D, H, 1) into (D, H, w).
            SDVariable rows = hiddenWeight.reshape(ctx.hidden(), 1, width); // (D, 1, w)
            SDVariable headMask = blocks(sd, prefix + ".hidden.blocks", type, heads, dh)
                    .reshape(ctx.hidden(), heads, 1); // (D, H, 1)
            SDVariable hiddenBlocks = rows.mul(headMask).reshape(ctx.hidden(), heads * width); // (D, H·w)
            SDVariable hiddenBiasRow = hiddenBias.reshape(heads * width); // (H·w)
            SDVariable preActivation = project(ctx.layerInput(), hiddenBlocks, ctx.hidden(), heads * width)
                    .add(hiddenBiasRow); // (B, T, H·w)
            SDVariable hidden = sd.nn().relu(preActivation, 0.0); // (B, T, H·w)

            SDVariable column = weight.reshape(heads * width, 1); // (H·w, 1)
            SDVariable blockWeight = column.mul(blocks(sd, prefix + ".blocks", type, heads, width)); // (H·w, H)
            return project(hidden, blockWeight, heads * width, heads).add(bias); // (B, T, H)
        }
    },

    /** One linear {@code D → H} over all features: weight {@code (D, H)}, bias {@code (H)}. */
    ALL_HEADS_LINEAR("all-heads-linear") {
        @Override
        SDVariable logits(AttentionContext ctx, double initialBias) {
            DataType type = ctx.layerInput().dataType();
            SDVariable weight = ctx.sd().var(ctx.scope() + ".gate.weight", small(type, ctx.hidden(), ctx.heads()));
            SDVariable bias = ctx.sd().var(ctx.scope() + ".gate.bias", filled(type, initialBias, ctx.heads()));
            return project(ctx.layerInput(), weight, ctx.hidden(), ctx.heads()).add(bias); // (B, T, H)
        }
    };

    private static final double OUTPUT_WEIGHT_STD = 0.01;

    private final String optionValue;

    GateNetwork(String optionValue) {
        this.optionValue = optionValue;
    }

    /** The value of the {@code gate} option that selects this network. */
    public String optionValue() {
        return optionValue;
    }

    /**
     * The network a {@code gate} option value names.
     *
     * @throws IllegalArgumentException for an unknown value
     */
    public static GateNetwork fromOption(String value) {
        return Arrays.stream(values()).filter(g -> g.optionValue.equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("gated-attention: unknown gate '" + value
                        + "'; expected one of " + Arrays.stream(values()).map(GateNetwork::optionValue).toList()));
    }

    /**
     * Creates this network's variables under {@code <scope>.gate} and returns the gate logits.
     *
     * @param ctx         the layer; its layer input is {@code (B, T, D)}
     * @param initialBias the starting value of the output bias, {@code logit(π_init)}
     * @return gate logits {@code (B, T, H)}
     */
    abstract SDVariable logits(AttentionContext ctx, double initialBias);

    /**
     * {@code x (B, T, K) · w (K, N) → (B, T, N)}. Goes through a 2-D product: SameDiff's matmul
     * rejects rank 3 × rank 2 and its tensorMmul gradient fails on it (ND4J 1.0.0-M2.1).
     */
    private static SDVariable project(SDVariable x, SDVariable w, long k, long n) {
        SameDiff sd = x.getSameDiff();
        SDVariable rows = x.reshape(-1, k); // (B·T, K)
        SDVariable product = rows.mmul(w); // (B·T, N)
        SDVariable batchAndTime = sd.slice(sd.shape(x), new int[] {0}, 2); // [B, T], read at run time
        SDVariable shape = sd.concat(0, batchAndTime, sd.constant(Nd4j.createFromArray(n))); // [B, T, N]
        return sd.reshape(product, shape); // (B, T, N)
    }

    /** Constant {@code (H·k, H)} with 1 where row {@code r} belongs to head {@code r / k}, else 0. */
    private static SDVariable blocks(SameDiff sd, String name, DataType type, int heads, int k) {
        INDArray mask = Nd4j.zeros(type, (long) heads * k, heads);
        for (int r = 0; r < heads * k; r++) {
            mask.putScalar(r, r / k, 1.0);
        }
        return sd.constant(name, mask);
    }

    private static INDArray small(DataType type, long... shape) {
        return Nd4j.randn(type, shape).muli(OUTPUT_WEIGHT_STD);
    }

    private static INDArray filled(DataType type, double value, long... shape) {
        return Nd4j.zeros(type, shape).addi(value);
    }
}
