package org.inlier.plugins.attention;

import java.util.Arrays;
import java.util.List;

import org.inlier.api.attention.AttentionContext;
import org.inlier.api.attention.AttentionVariant;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Gated attention ({@code gated-attention}): each head's output is scaled by
 * {@code sigmoid(G_h(x))}, one gate value per token and head, computed from the layer input x.
 *
 * <p>From Bondarenko, Nagel, Blankevoort, "Quantizable Transformers: Removing Outliers by Helping
 * Attention Heads Do Nothing" (NeurIPS 2023), section 4.2: a head that wants to do nothing can
 * close its gate instead of pushing its softmax to extremes. Probabilities are plain softmax.
 *
 * <p>Options: {@code gate} picks the gate network ({@link GateNetwork}: {@code linear} per head,
 * the default; {@code mlp} per head; {@code all-heads-linear}); {@code pi_init} in (0, 1), default
 * 0.5, is the gate value at initialisation (bias {@code logit(π_init)}); {@code scale_by_pi_init},
 * default false, multiplies the gate by {@code 1/π_init} so a pretrained model starts almost
 * unchanged when fine-tuned with gates added.
 */
public final class GatedAttention implements AttentionVariant {

    /** The id pipeline files use. */
    public static final String ID = "gated-attention";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Softmax attention with a learned per-token, per-head output gate sigmoid(G(x))"
                + " (Bondarenko et al. 2023)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.choice("gate", GateNetwork.LINEAR.optionValue(),
                        Arrays.stream(GateNetwork.values()).map(GateNetwork::optionValue).toList(),
                        "gate network: linear per head (d_head -> 1), mlp per head (d_head -> d_head/4 -> ReLU -> 1),"
                                + " or all-heads-linear (d_model -> heads)"),
                OptionSpec.number("pi_init", 0.5, 0.001, 0.999,
                        "gate value at initialisation; the gate bias starts at logit(pi_init)"),
                OptionSpec.bool("scale_by_pi_init", false,
                        "multiply the gate by 1/pi_init so a pretrained model starts nearly unchanged (fine-tuning)"));
    }

    @Override
    public SDVariable probabilities(SDVariable scores, AttentionContext context, Options options) {
        return SoftmaxAttention.softmax(scores);
    }

    /**
     * Multiplies each head's output by its gate.
     *
     * @throws IllegalArgumentException for an unknown {@code gate} value
     */
    @Override
    public SDVariable headOutputs(SDVariable headOutputs, AttentionContext context, Options options) {
        SameDiff sd = context.sd();
        double piInit = options.getDouble("pi_init");
        GateNetwork network = GateNetwork.fromOption(options.getString("gate"));
        SDVariable gate = sd.nn().sigmoid(network.logits(context, logit(piInit))); // (B, T, H)
        if (options.getBoolean("scale_by_pi_init")) {
            // The gate starts near π_init; rescaling makes it start near 1, the pretrained model's identity.
            gate = gate.mul(1.0 / piInit);
        }
        SDVariable perHead = sd.permute(gate, 0, 2, 1); // (B, H, T)
        perHead = sd.expandDims(perHead, 3); // (B, H, T, 1)
        return headOutputs.mul(perHead); // (B, H, T, dh)
    }

    /** {@code log(p / (1 − p))}, the inverse of the sigmoid. */
    static double logit(double p) {
        return Math.log(p / (1 - p));
    }
}
