package org.inlier.plugins.backends.int8;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.SymmetricGrid;
import org.inlier.plugins.attention.SoftmaxAttention;
import org.inlier.plugins.models.DecoderClm;
import org.inlier.plugins.quantizers.UniformAffineQuantizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The integer linear layers against the fake-quant simulation on the quickstart model's shape
 * (decoder-clm, 2 layers, hidden 128, 4 heads, FFN 512, sequence 64; W8A8 with asymmetric
 * per-tensor activations from min-max ranges, as examples/quickstart.yaml quantizes). The
 * weights are the family's initialisation with random biases: a trained checkpoint would take
 * minutes to make here. Every linear layer whose output is a site (q, k, v, attention output,
 * fc2) is compared on the simulation's own input levels, so each layer is checked alone.
 *
 * <p>The two differ only in rounding: the simulation computes {@code (x̂ Ŵ + b) / s_y} in float32
 * with the float bias, the integer path exactly but with the bias rounded to the accumulator grid
 * (up to half a step of {@code s_x s_w}) and a 31-bit multiplier. An output that close to a
 * rounding tie can land one level apart. Measured over the 10 layers, 4 × 64 tokens (327 680
 * levels, each layer's spanning 200–254 of the 256 levels): per-tensor weights 210 levels differ by
 * one (0.064 %), per-channel weights 132 (0.040 %); none by more.
 */
class QuantizedLinearMatchesSimulationTest {

    private static final Map<String, Object> QUICKSTART = Map.of("layers", 2, "hidden", 128, "heads", 4, "ffn", 512, "seq", 64);
    private static final int VOCAB = 90;
    private static final int BATCH = 4;
    private static final int LAYERS = 2;
    /** The bound on the off-by-one rate: about 3 × the measured 0.064 %. */
    private static final double MAX_OFF_BY_ONE_FRACTION = 2e-3;

    private final UniformAffineQuantizer quantizer = new UniformAffineQuantizer();
    private final DecoderClm family = new DecoderClm();
    private final Options options = Options.withDefaults(family.options(), QUICKSTART);

    /** A linear layer by its weight's prefix, with the sites before and after it. */
    private record Linear(String name, String inputSite, String outputSite) {
    }

    private static List<Linear> linears() {
        List<Linear> linears = new ArrayList<>();
        for (int i = 0; i < LAYERS; i++) {
            String l = "layer." + i;
            for (String qkv : List.of("q", "k", "v")) {
                linears.add(new Linear(l + ".attn." + qkv, l + ".ln1.out", l + ".attn." + qkv));
            }
            linears.add(new Linear(l + ".attn.out", l + ".attn.context", l + ".attn.out"));
            linears.add(new Linear(l + ".ffn.fc2", l + ".ffn.hidden", l + ".ffn.out"));
        }
        return linears;
    }

    @ParameterizedTest
    @EnumSource(value = Granularity.class, names = {"TENSOR", "CHANNEL"})
    void integerOutputLevelsEqualTheSimulationsOrDifferByOneNearTies(Granularity weightGranularity) {
        Map<String, INDArray> feeds = batch();
        SimulationSites floatSites = new SimulationSites(quantizer, Map.of());
        ModelGraph floatModel = build(floatSites);
        randomizeBiases(floatModel, new Random(7));
        Map<String, QuantParams> params = calibrate(floatModel, floatSites, feeds, weightGranularity);

        SimulationSites simulation = new SimulationSites(quantizer, params);
        ModelGraph simulated = build(simulation);
        copyVariables(floatModel, simulated);
        Map<String, INDArray> values = run(simulated, simulation.activations, feeds);

        Int8Gemm gemm = new Int8Gemm(1);
        int compared = 0;
        int offByOne = 0;
        for (Linear linear : linears()) {
            String weightSite = linear.name() + ".weight";
            INDArray w = simulated.sd().getArrForVarName(simulation.weights.get(weightSite).name());
            QuantizedLinear layer = new QuantizedLinear(quantizer.quantize(w, params.get(weightSite)),
                    simulated.sd().getArrForVarName(linear.name() + ".bias").toFloatVector(),
                    params.get(linear.inputSite()), params.get(linear.outputSite()), gemm);
            int[] input = levels(values.get(linear.inputSite()), params.get(linear.inputSite()));
            int[] expected = levels(values.get(linear.outputSite()), params.get(linear.outputSite()));

            int[] actual = layer.forward(input, input.length / layer.in());

            for (int e = 0; e < expected.length; e++) {
                int difference = Math.abs(actual[e] - expected[e]);
                assertThat(difference).as("%s output %d", linear.name(), e).isLessThanOrEqualTo(1);
                offByOne += difference;
            }
            compared += expected.length;
            assertThat(Arrays.stream(expected).distinct().count()).as("%s spans the output grid", linear.name()).isGreaterThan(150);
        }
        assertThat(compared).isEqualTo(LAYERS * BATCH * 64 * 128 * 5);
        assertThat((double) offByOne / compared).as("%d of %d levels off by one", offByOne, compared)
                .isLessThan(MAX_OFF_BY_ONE_FRACTION);
    }

    private ModelGraph build(SimulationSites sites) {
        return family.build(new ModelSpec(options, VOCAB, new SoftmaxAttention(), Options.empty(), sites, 42, false));
    }

    private Map<String, INDArray> batch() {
        Random random = new Random(3);
        int[][] windows = new int[BATCH][65];
        for (int[] window : windows) {
            for (int t = 0; t < window.length; t++) {
                window[t] = random.nextInt(VOCAB);
            }
        }
        return family.batch(windows, options, VOCAB, false, random);
    }

    /** Biases start at zero; random ones make the test cover the quantized bias. */
    private static void randomizeBiases(ModelGraph model, Random random) {
        for (SDVariable v : model.sd().variables()) {
            if (v.getVariableType() == VariableType.VARIABLE && v.name().endsWith(".bias")) {
                INDArray bias = v.getArr();
                for (long j = 0; j < bias.length(); j++) {
                    bias.putScalar(j, random.nextGaussian() * 0.1);
                }
            }
        }
    }

    private static void copyVariables(ModelGraph from, ModelGraph to) {
        for (SDVariable v : from.sd().variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                to.sd().getArrForVarName(v.name()).assign(v.getArr());
            }
        }
    }

    /** W8A8 as the quantize stage freezes it: activations from min-max ranges of the float model, weights from their own. */
    private Map<String, QuantParams> calibrate(ModelGraph model, SimulationSites sites, Map<String, INDArray> feeds, Granularity weights) {
        Map<String, QuantParams> params = new HashMap<>();
        run(model, sites.activations, feeds).forEach((site, x) -> {
            if (!site.startsWith("head.")) {
                params.put(site, quantizer.params(QuantScheme.asymmetricPerTensor(8), Range.of(x.minNumber().doubleValue(), x.maxNumber().doubleValue())));
            }
        });
        QuantScheme weightScheme = new QuantScheme(8, true, weights, 1, SymmetricGrid.RESTRICTED);
        sites.weights.forEach((site, variable) -> {
            if (!site.startsWith("head.")) {
                INDArray w = variable.getArr();
                Range range = weights == Granularity.CHANNEL ? new Range(w.min(0).toDoubleVector(), w.max(0).toDoubleVector())
                        : Range.of(w.minNumber().doubleValue(), w.maxNumber().doubleValue());
                params.put(site, quantizer.params(weightScheme, range));
            }
        });
        return params;
    }

    private static Map<String, INDArray> run(ModelGraph model, Map<String, SDVariable> sites, Map<String, INDArray> feeds) {
        Map<String, String> byVariable = new LinkedHashMap<>();
        sites.forEach((site, variable) -> byVariable.put(variable.name(), site));
        Map<String, INDArray> values = new LinkedHashMap<>();
        model.sd().output(feeds, List.copyOf(byVariable.keySet())).forEach((variable, x) -> values.put(byVariable.get(variable), x.dup()));
        return values;
    }

    /** The integer levels of a fake-quantized tensor, {@code rint(x̂ / s) + z}, checked to lie on the grid. */
    private static int[] levels(INDArray fakeQuantized, QuantParams p) {
        double[] x = fakeQuantized.dup('c').data().asDouble();
        double scale = p.scale()[0];
        int[] levels = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            double steps = x[i] / scale;
            assertThat(Math.abs(steps - Math.rint(steps))).as("x̂ lies on the grid").isLessThan(1e-3);
            levels[i] = (int) (Math.rint(steps) + p.zeroPoint()[0]);
        }
        return levels;
    }
}
