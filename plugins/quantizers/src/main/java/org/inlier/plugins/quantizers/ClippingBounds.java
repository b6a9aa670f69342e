package org.inlier.plugins.quantizers;

import org.inlier.api.quant.Range;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The two trainable bounds {@code c⁻ < c⁺} of one site's {@link LearnedClipping}, named
 * {@code <site>.qat.low} and {@code <site>.qat.high}.
 *
 * @param low  {@code c⁻}, a scalar variable
 * @param high {@code c⁺}, a scalar variable of the same graph
 */
public record ClippingBounds(SDVariable low, SDVariable high) {

    /** The name of a site's lower bound: {@code <site>.qat.low}. */
    public static String lowName(String site) {
        return site + ".qat.low";
    }

    /** The name of a site's upper bound: {@code <site>.qat.high}. */
    public static String highName(String site) {
        return site + ".qat.high";
    }

    /**
     * Creates a site's bounds as trainable scalar variables of {@code sd}.
     *
     * @param sd      the graph the site's tensor belongs to
     * @param site    the site's name
     * @param initial a per-tensor range with {@code min < max}, e.g. from {@link LearnedClipping#initialBounds}
     * @param type    the floating-point type of the variables, usually the site tensor's
     * @return the new variables {@link #lowName(String)} and {@link #highName(String)}
     * @throws IllegalArgumentException if the range is per channel or empty, or the type is not floating point
     */
    public static ClippingBounds trainable(SameDiff sd, String site, Range initial, DataType type) {
        if (!initial.perTensor()) {
            throw new IllegalArgumentException("learned clipping has one range per tensor, got " + initial);
        }
        double low = initial.min()[0];
        double high = initial.max()[0];
        if (!(low < high)) {
            throw new IllegalArgumentException("the clipping bounds of " + site + " must satisfy low < high, got " + initial);
        }
        if (!type.isFPType()) {
            throw new IllegalArgumentException("clipping bounds must be floating point, got " + type);
        }
        return new ClippingBounds(sd.var(lowName(site), Nd4j.scalar(type, low)), sd.var(highName(site), Nd4j.scalar(type, high)));
    }
}
