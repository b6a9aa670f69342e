package org.example.inlier;

import java.util.List;
import org.inlier.api.attention.AttentionContext;
import org.inlier.api.attention.AttentionVariant;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Attention variant {@value #ID}: softmax over the keys at a temperature each head learns,
 * {@code softmax(s / τ_h)}.
 *
 * <p>A head that wants to do nothing has to make its softmax very peaked on a "no-op" token, and
 * with a fixed temperature of 1 the only way is huge score gaps, which is where activation
 * outliers come from (Bondarenko et al. 2023). A learned temperature gives the head a second,
 * single-scalar way to sharpen or flatten its distribution without growing its scores.
 *
 * <p>The temperature is parameterised as {@code τ_h = exp(θ_h)}, so it stays positive whatever the
 * optimiser does; {@code θ} is one trainable scalar per head, named {@code <scope>.log_temperature},
 * shape {@code (1, H, 1, 1)} so that it broadcasts over {@code (B, H, T, T)} scores. Masked scores
 * ({@code −1e9}) stay very negative at any temperature.
 */
public final class LearnedTemperatureSoftmax implements AttentionVariant {

    /** The id pipeline files use. */
    public static final String ID = "learned-temperature";

    /** Option: every head's temperature at initialisation. */
    public static final String INITIAL_TEMPERATURE = "initial_temperature";

    /** The name of the per-head log-temperature variable under a layer's scope. */
    public static String variableName(String scope) {
        return scope + ".log_temperature";
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Softmax attention with one learned temperature per head, softmax(s / exp(theta_h))";
    }

    @Override
    public List<OptionSpec> options() {
        // 1 starts as plain softmax, so a model trained with it is comparable to vanilla at step 0.
        return List.of(OptionSpec.number(INITIAL_TEMPERATURE, 1.0, 1e-3, 1e3,
                "every head's temperature at initialisation; the model learns each head's own from there"));
    }

    @Override
    public SDVariable probabilities(SDVariable scores, AttentionContext context, Options options) {
        double initial = options.getDouble(INITIAL_TEMPERATURE);
        DataType type = scores.dataType();
        SDVariable logTemperature = context.sd().var(variableName(context.scope()),
                Nd4j.valueArrayOf(new long[] {1, context.heads(), 1, 1}, Math.log(initial)).castTo(type)); // (1, H, 1, 1)
        // s / τ = s · exp(−θ): a multiplication keeps the gradient with respect to θ simple, −(s/τ)·∂L/∂(s/τ).
        SDVariable inverseTemperature = context.sd().math().exp(logTemperature.neg());
        return context.sd().nn().softmax(scores.mul(inverseTemperature), -1); // (B, H, T, T)
    }

    @Override
    public SDVariable headOutputs(SDVariable headOutputs, AttentionContext context, Options options) {
        return headOutputs;
    }
}
