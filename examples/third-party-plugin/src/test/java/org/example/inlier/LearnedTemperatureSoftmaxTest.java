package org.example.inlier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.inlier.api.attention.AttentionContext;
import org.inlier.api.plugin.Options;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LearnedTemperatureSoftmaxTest {

    private static final String SCOPE = "layer.0.attn";

    private final LearnedTemperatureSoftmax attention = new LearnedTemperatureSoftmax();

    @Test
    void eachHeadDividesItsScoresByItsOwnTemperature() {
        // Head 0 at τ = 2: scores (0, 2 ln 3) become (0, ln 3), softmax (1/4, 3/4).
        // Head 1 at τ = 1/2: scores (0, ln 9 / 2) become (0, ln 9), softmax (1/10, 9/10).
        double[][][][] scores = {{{{0, 2 * Math.log(3)}}, {{0, Math.log(9) / 2}}}};
        SameDiff sd = SameDiff.create();
        SDVariable p = attention.probabilities(sd.var("scores", Nd4j.create(scores)), context(sd, 2), options(Map.of()));
        sd.getVariable(LearnedTemperatureSoftmax.variableName(SCOPE))
                .setArray(Nd4j.create(new double[] {Math.log(2), Math.log(0.5)}, new long[] {1, 2, 1, 1}));

        INDArray out = p.eval();

        assertThat(out.getDouble(0, 0, 0, 0)).isCloseTo(0.25, within(1e-14));
        assertThat(out.getDouble(0, 0, 0, 1)).isCloseTo(0.75, within(1e-14));
        assertThat(out.getDouble(0, 1, 0, 0)).isCloseTo(0.1, within(1e-14));
        assertThat(out.getDouble(0, 1, 0, 1)).isCloseTo(0.9, within(1e-14));
    }

    @Test
    void startsAsPlainSoftmaxAtTheDefaultTemperatureOfOne() {
        double[][][][] scores = {{{{1, 2, 3}, {0.5, -1, 0}}}};
        SameDiff sd = SameDiff.create();
        INDArray out = attention.probabilities(sd.var("scores", Nd4j.create(scores)), context(sd, 1), options(Map.of())).eval();

        for (int q = 0; q < 2; q++) {
            double[] row = scores[0][0][q];
            double sum = Math.exp(row[0]) + Math.exp(row[1]) + Math.exp(row[2]);
            for (int k = 0; k < 3; k++) {
                assertThat(out.getDouble(0, 0, q, k)).isCloseTo(Math.exp(row[k]) / sum, within(1e-14));
            }
        }
    }

    @Test
    void theTemperatureIsOneTrainableLogScalarPerHeadStartingAtTheOption() {
        SameDiff sd = SameDiff.create();
        attention.probabilities(sd.var("scores", Nd4j.zeros(DataType.FLOAT, 2, 3, 4, 4)), context(sd, 3),
                options(Map.of(LearnedTemperatureSoftmax.INITIAL_TEMPERATURE, 2.0)));

        SDVariable theta = sd.getVariable(LearnedTemperatureSoftmax.variableName(SCOPE));

        assertThat(theta.getVariableType()).isEqualTo(VariableType.VARIABLE);
        assertThat(theta.getArr().shape()).containsExactly(1, 3, 1, 1);
        assertThat(theta.dataType()).as("the scores' type").isEqualTo(DataType.FLOAT);
        for (int h = 0; h < 3; h++) {
            assertThat(theta.getArr().getDouble(h)).isCloseTo(Math.log(2), within(1e-6));
        }
    }

    @Test
    void maskedKeysGetNoProbabilityAtAHighTemperature() {
        double[][][][] scores = {{{{0.3, -1e9, 1.2}}}};
        SameDiff sd = SameDiff.create();
        INDArray out = attention.probabilities(sd.var("scores", Nd4j.create(scores)), context(sd, 1),
                options(Map.of(LearnedTemperatureSoftmax.INITIAL_TEMPERATURE, 1000.0))).eval();

        assertThat(out.getDouble(0, 0, 0, 1)).isZero();
        assertThat(out.getDouble(0, 0, 0, 0) + out.getDouble(0, 0, 0, 2)).isCloseTo(1.0, within(1e-14));
    }

    @Test
    void gradientsOfScoresAndTemperaturesMatchFiniteDifferencesInFloat64() {
        Nd4j.getRandom().setSeed(3);
        SameDiff sd = SameDiff.create();
        SDVariable scores = sd.var("scores", Nd4j.randn(DataType.DOUBLE, 2, 2, 3, 3));
        SDVariable weights = sd.constant("weights", Nd4j.randn(DataType.DOUBLE, 2, 2, 3, 3));
        SDVariable p = attention.probabilities(scores, context(sd, 2), options(Map.of()));
        String theta = LearnedTemperatureSoftmax.variableName(SCOPE);
        sd.getVariable(theta).setArray(Nd4j.create(new double[] {0.4, -0.3}, new long[] {1, 2, 1, 1}));
        sd.sum("loss", p.mul(weights));
        sd.setLossVariables("loss");

        Map<String, INDArray> analytic = sd.calculateGradients(Map.of(), "scores", theta);

        for (String name : new String[] {"scores", theta}) {
            INDArray values = sd.getVariable(name).getArr();
            INDArray gradient = analytic.get(name);
            assertThat(gradient.shape()).isEqualTo(values.shape());
            assertThat(gradient.amaxNumber().doubleValue()).as("largest |dloss/d%s|", name).isGreaterThan(1e-3);
            for (long i = 0; i < values.length(); i++) {
                double numeric = centralDifference(sd, values, i);
                assertThat(gradient.getDouble(i)).as("dloss/d%s[%d]", name, i).isCloseTo(numeric, within(1e-7));
            }
        }
    }

    private static double centralDifference(SameDiff sd, INDArray values, long i) {
        double h = 1e-6;
        double original = values.getDouble(i);
        values.putScalar(i, original + h);
        double plus = sd.output(Map.of(), "loss").get("loss").getDouble(0);
        values.putScalar(i, original - h);
        double minus = sd.output(Map.of(), "loss").get("loss").getDouble(0);
        values.putScalar(i, original);
        return (plus - minus) / (2 * h);
    }

    private Options options(Map<String, ?> values) {
        return Options.withDefaults(attention.options(), values);
    }

    private static AttentionContext context(SameDiff sd, int heads) {
        SDVariable x = sd.var("x", Nd4j.zeros(DataType.DOUBLE, 1, 3, heads * 2));
        return new AttentionContext(sd, SCOPE, x, heads, 2, 3, false);
    }
}
