package org.inlier.plugins.attention;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Compares SameDiff's analytic gradients with central finite differences of the forward pass. */
public final class GradientCheck {

    private static final double STEP = 1e-6;
    private static final double MAX_RELATIVE_ERROR = 1e-3;
    /** Below this both gradients count as zero: differences of float64 losses are noise there. */
    private static final double ZERO = 1e-8;

    private GradientCheck() {
    }

    /**
     * Asserts, entry by entry, that the gradient of the scalar {@code loss} with respect to each
     * named variable matches central differences, and that each gradient is not all zero.
     */
    public static void assertGradientsMatch(SameDiff sd, String loss, String... variables) {
        sd.setLossVariables(loss);
        Map<String, INDArray> analytic = sd.calculateGradients(Map.of(), variables);
        for (String name : variables) {
            INDArray values = sd.getVariable(name).getArr();
            INDArray gradient = analytic.get(name);
            assertThat(gradient.shape()).as("gradient shape of %s", name).isEqualTo(values.shape());
            double largest = 0;
            for (long i = 0; i < values.length(); i++) {
                double numeric = centralDifference(sd, loss, values, i);
                double exact = gradient.getDouble(i);
                largest = Math.max(largest, Math.abs(exact));
                double scale = Math.max(Math.abs(exact), Math.abs(numeric));
                if (scale > ZERO) {
                    assertThat(Math.abs(exact - numeric) / scale)
                            .as("relative error of d%s/d%s[%d]: analytic %s, numeric %s", loss, name, i, exact, numeric)
                            .isLessThan(MAX_RELATIVE_ERROR);
                }
            }
            assertThat(largest).as("largest |d%s/d%s|", loss, name).isGreaterThan(ZERO);
        }
    }

    private static double centralDifference(SameDiff sd, String loss, INDArray values, long i) {
        double original = values.getDouble(i);
        values.putScalar(i, original + STEP);
        double plus = lossValue(sd, loss);
        values.putScalar(i, original - STEP);
        double minus = lossValue(sd, loss);
        values.putScalar(i, original);
        return (plus - minus) / (2 * STEP);
    }

    private static double lossValue(SameDiff sd, String loss) {
        return sd.output(Map.of(), loss).get(loss).getDouble(0);
    }
}
