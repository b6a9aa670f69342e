package org.inlier.plugins.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.inlier.api.attention.AttentionContext;
import org.inlier.api.plugin.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GatedAttentionTest {

    private static final int B = 2;
    private static final int T = 3;
    private static final int H = 2;
    private static final int DH = 8;
    private static final int D = H * DH;
    private static final int MLP_WIDTH = DH / 4;
    private static final String SCOPE = "layer.1.attn";

    private final GatedAttention gated = new GatedAttention();
    private final Random random = new Random(5);
    /** Layer input x (B, T, D). */
    private final double[][][] x = normal(B, T, D);
    /** Head outputs (B, H, T, dh). */
    private final double[][][][] heads = normal4(B, H, T, DH);

    @Test
    void linearGateScalesEachHeadBySigmoidOfItsOwnSlice() {
        double[][] weight = normal2(H, DH);
        double[] bias = {0.3, -0.7};
        SameDiff sd = SameDiff.create();
        SDVariable out = build(sd, Map.of("gate", "linear"));
        set(sd, ".gate.weight", flat(weight), H, DH);
        set(sd, ".gate.bias", bias, H);

        double[][][] logits = new double[B][T][H];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                for (int h = 0; h < H; h++) {
                    double z = bias[h];
                    for (int j = 0; j < DH; j++) {
                        z += x[b][t][h * DH + j] * weight[h][j];
                    }
                    logits[b][t][h] = z;
                }
            }
        }
        assertGated(out.eval(), logits);
    }

    @Test
    void mlpGateScalesEachHeadByATwoLayerReluNetworkOnItsOwnSlice() {
        double[][][] hiddenWeight = normal(H, DH, MLP_WIDTH);
        double[][] hiddenBias = {{0.1, -0.2}, {0.4, -0.3}};
        double[][] weight = {{0.9, -1.3}, {-0.6, 1.1}};
        double[] bias = {-0.2, 0.5};
        SameDiff sd = SameDiff.create();
        SDVariable out = build(sd, Map.of("gate", "mlp"));
        set(sd, ".gate.hidden.weight", flat(hiddenWeight), H, DH, MLP_WIDTH);
        set(sd, ".gate.hidden.bias", flat(hiddenBias), H, MLP_WIDTH);
        set(sd, ".gate.weight", flat(weight), H, MLP_WIDTH);
        set(sd, ".gate.bias", bias, H);

        double[][][] logits = new double[B][T][H];
        int active = 0;
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                for (int h = 0; h < H; h++) {
                    double z = bias[h];
                    for (int k = 0; k < MLP_WIDTH; k++) {
                        double pre = hiddenBias[h][k];
                        for (int j = 0; j < DH; j++) {
                            pre += x[b][t][h * DH + j] * hiddenWeight[h][j][k];
                        }
                        active += pre > 0 ? 1 : 0;
                        z += Math.max(0, pre) * weight[h][k];
                    }
                    logits[b][t][h] = z;
                }
            }
        }
        assertThat(active).as("hidden units the ReLU lets through").isStrictlyBetween(0, B * T * H * MLP_WIDTH);
        assertGated(out.eval(), logits);
    }

    @Test
    void allHeadsLinearGateScalesEachHeadBySigmoidOfAllFeatures() {
        double[][] weight = normal2(D, H);
        double[] bias = {-0.4, 0.2};
        SameDiff sd = SameDiff.create();
        SDVariable out = build(sd, Map.of("gate", "all-heads-linear"));
        set(sd, ".gate.weight", flat(weight), D, H);
        set(sd, ".gate.bias", bias, H);

        double[][][] logits = new double[B][T][H];
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                for (int h = 0; h < H; h++) {
                    double z = bias[h];
                    for (int d = 0; d < D; d++) {
                        z += x[b][t][d] * weight[d][h];
                    }
                    logits[b][t][h] = z;
                }
            }
        }
        assertGated(out.eval(), logits);
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "mlp", "all-heads-linear"})
    void scaleByPiInitMakesAnInputIndependentGateExactlyOne(String gate) {
        SameDiff sd = SameDiff.create();
        SDVariable out = build(sd, Map.of("gate", gate, "pi_init", 0.25, "scale_by_pi_init", true));
        sd.getVariable(SCOPE + ".gate.weight").getArr().assign(0);

        // The gate is sigmoid(logit(0.25)) / 0.25 = 1 for every token and head.
        assertThat(out.eval().ravel().toDoubleVector()).containsExactly(flat(heads), within(1e-12));
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "mlp", "all-heads-linear"})
    void startsWithEveryGateNearPiInit(String gate) {
        Nd4j.getRandom().setSeed(3);
        SameDiff sd = SameDiff.create();
        INDArray out = build(sd, Map.of("gate", gate, "pi_init", 0.3)).eval();

        assertThat(sd.getVariable(SCOPE + ".gate.bias").getArr().toDoubleVector())
                .containsOnly(Math.log(0.3 / 0.7));
        INDArray weight = sd.getVariable(SCOPE + ".gate.weight").getArr();
        assertThat(weight.amaxNumber().doubleValue()).isStrictlyBetween(0.0, 0.05);
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                for (int t = 0; t < T; t++) {
                    for (int j = 0; j < DH; j++) {
                        assertThat(out.getDouble(b, h, t, j))
                                .isCloseTo(0.3 * heads[b][h][t][j], within(0.05 * Math.abs(heads[b][h][t][j])));
                    }
                }
            }
        }
    }

    @Test
    void createsGateVariablesUnderTheLayerScopeInTheLayerInputsType() {
        SameDiff sd = SameDiff.create();
        SDVariable input = sd.var("x", Nd4j.zeros(DataType.FLOAT, B, T, D));
        SDVariable out = sd.var("heads", Nd4j.zeros(DataType.FLOAT, B, H, T, DH));
        gated.headOutputs(out, new AttentionContext(sd, SCOPE, input, H, DH, T, false), options(Map.of("gate", "mlp")));

        assertThat(shape(sd, ".gate.hidden.weight")).containsExactly(H, DH, MLP_WIDTH);
        assertThat(shape(sd, ".gate.hidden.bias")).containsExactly(H, MLP_WIDTH);
        assertThat(shape(sd, ".gate.weight")).containsExactly(H, MLP_WIDTH);
        assertThat(shape(sd, ".gate.bias")).containsExactly(H);
        assertThat(sd.getVariable(SCOPE + ".gate.weight").dataType()).isEqualTo(DataType.FLOAT);
    }

    @Test
    void gatesSequencesOfAnyLengthNotJustTheConfiguredOne() {
        int longer = 5;
        SameDiff sd = SameDiff.create();
        SDVariable input = sd.var("x", Nd4j.randn(DataType.DOUBLE, 1, longer, D));
        SDVariable out = sd.var("heads", Nd4j.randn(DataType.DOUBLE, 1, H, longer, DH));
        INDArray gatedOut = gated.headOutputs(out, new AttentionContext(sd, SCOPE, input, H, DH, T, true),
                options(Map.of())).eval();
        assertThat(gatedOut.shape()).containsExactly(1, H, longer, DH);
    }

    @Test
    void probabilitiesArePlainSoftmax() {
        SameDiff sd = SameDiff.create();
        SDVariable scores = sd.var("scores", Nd4j.create(new double[][][][] {{{{0, Math.log(3)}}}}));
        INDArray p = gated.probabilities(scores, context(sd), options(Map.of())).eval();
        assertThat(p.getDouble(0, 0, 0, 0)).isCloseTo(0.25, within(1e-12));
        assertThat(p.getDouble(0, 0, 0, 1)).isCloseTo(0.75, within(1e-12));
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "mlp", "all-heads-linear"})
    void gradientsMatchFiniteDifferences(String gate) {
        Nd4j.getRandom().setSeed(17);
        SameDiff sd = SameDiff.create();
        SDVariable out = build(sd, Map.of("gate", gate));
        // Weights of order 1 so gates differ across tokens and the gradients are not tiny.
        for (String name : gateVariables(gate)) {
            INDArray values = sd.getVariable(name).getArr();
            values.assign(Nd4j.randn(DataType.DOUBLE, values.shape()).muli(0.5));
        }
        SDVariable target = sd.constant("target", Nd4j.randn(DataType.DOUBLE, B, H, T, DH));
        sd.sum("loss", out.mul(target));

        String[] checked = Stream.concat(Stream.of("x", "heads"), Arrays.stream(gateVariables(gate)))
                .toArray(String[]::new);
        GradientCheck.assertGradientsMatch(sd, "loss", checked);
    }

    @Test
    void rejectsAnUnknownGate() {
        SameDiff sd = SameDiff.create();
        assertThatThrownBy(() -> build(sd, Map.of("gate", "conv")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'conv'")
                .hasMessageContaining("all-heads-linear");
    }

    private static String[] gateVariables(String gate) {
        return gate.equals("mlp")
                ? new String[] {SCOPE + ".gate.hidden.weight", SCOPE + ".gate.hidden.bias", SCOPE + ".gate.weight",
                        SCOPE + ".gate.bias"}
                : new String[] {SCOPE + ".gate.weight", SCOPE + ".gate.bias"};
    }

    /** Gated attention on the fixture: variables {@code x} and {@code heads}, gates as the options say. */
    private SDVariable build(SameDiff sd, Map<String, ?> values) {
        SDVariable input = sd.var("x", Nd4j.create(flat(x), new long[] {B, T, D}, DataType.DOUBLE));
        SDVariable out = sd.var("heads", Nd4j.create(flat(heads), new long[] {B, H, T, DH}, DataType.DOUBLE));
        return gated.headOutputs(out, new AttentionContext(sd, SCOPE, input, H, DH, T, false), options(values));
    }

    /** Asserts {@code out[b, h, t, j] = heads[b, h, t, j] · sigmoid(logits[b, t, h])}. */
    private void assertGated(INDArray out, double[][][] logits) {
        assertThat(out.shape()).containsExactly(B, H, T, DH);
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < H; h++) {
                for (int t = 0; t < T; t++) {
                    double gate = sigmoid(logits[b][t][h]);
                    for (int j = 0; j < DH; j++) {
                        assertThat(out.getDouble(b, h, t, j)).as("b=%d h=%d t=%d j=%d", b, h, t, j)
                                .isCloseTo(heads[b][h][t][j] * gate, within(1e-12));
                    }
                }
            }
        }
    }

    private Options options(Map<String, ?> values) {
        return Options.withDefaults(gated.options(), values);
    }

    private static AttentionContext context(SameDiff sd) {
        SDVariable input = sd.var("x", Nd4j.zeros(DataType.DOUBLE, 1, 2, D));
        return new AttentionContext(sd, SCOPE, input, H, DH, 2, false);
    }

    private static void set(SameDiff sd, String suffix, double[] values, long... shape) {
        sd.getVariable(SCOPE + suffix).getArr().assign(Nd4j.create(values, shape, DataType.DOUBLE));
    }

    private static long[] shape(SameDiff sd, String suffix) {
        return sd.getVariable(SCOPE + suffix).getArr().shape();
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    private double[][] normal2(int rows, int cols) {
        return normal(1, rows, cols)[0];
    }

    private double[][][] normal(int a, int b, int c) {
        double[][][] out = new double[a][b][c];
        for (double[][] plane : out) {
            for (double[] row : plane) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = random.nextGaussian();
                }
            }
        }
        return out;
    }

    private double[][][][] normal4(int a, int b, int c, int d) {
        double[][][][] out = new double[a][][][];
        for (int i = 0; i < a; i++) {
            out[i] = normal(b, c, d);
        }
        return out;
    }

    private static double[] flat(Object nested) {
        if (nested instanceof double[] row) {
            return row;
        }
        return Arrays.stream((Object[]) nested).map(GatedAttentionTest::flat)
                .flatMapToDouble(Arrays::stream).toArray();
    }
}
