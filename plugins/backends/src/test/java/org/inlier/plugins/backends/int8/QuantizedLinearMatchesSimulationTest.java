package org.inlier.plugins.backends.int8;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.plugins.attention.SoftmaxAttention;
import org.inlier.plugins.models.DecoderClm;
import org.inlier.plugins.quantizers.UniformAffineQuantizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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
 * <p>The two differ only in rounding: the simulation computes {@code (x̂ Ŵ + b) / s_y} in float32,
 * the integer path exactly with a 31-bit multiplier and the bias in the same fixed-point units.
 * An output that close to a rounding tie can land one level apart. Measured over the 10 layers,
 * 4 × 64 tokens (327 680 levels, each layer's spanning 200–254 of the 256 levels): per-tensor
 * weights 1 level off by one, per-channel weights 2; none by more. (With the bias rounded to the
 * int32 accumulator grid instead it was 210 and 132.)
 */
class QuantizedLinearMatchesSimulationTest {

    private static final Map<String, Object> QUICKSTART = Map.of("layers", 2, "hidden", 128, "heads", 4, "ffn", 512, "seq", 64);
    private static final int VOCAB = 90;
    private static final int BATCH = 4;
    private static final int LAYERS = 2;
    /** The bound on the off-by-one rate: about 15 × the measured 6·10⁻⁶. */
    private static final double MAX_OFF_BY_ONE_FRACTION = 1e-4;

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
        Simulation.randomizeBiases(floatModel, new Random(7));
        Map<String, QuantParams> params = Simulation.calibrate(quantizer, floatModel, floatSites, feeds, 8, 8, weightGranularity);

        SimulationSites simulation = new SimulationSites(quantizer, params);
        ModelGraph simulated = build(simulation);
        Simulation.copyVariables(floatModel, simulated);
        Map<String, INDArray> values = Simulation.run(simulated, simulation.activations, feeds);

        Int8Gemm gemm = new Int8Gemm(1);
        int compared = 0;
        int offByOne = 0;
        for (Linear linear : linears()) {
            String weightSite = linear.name() + ".weight";
            INDArray w = simulated.sd().getArrForVarName(simulation.weights.get(weightSite).name());
            QuantizedLinear layer = new QuantizedLinear(quantizer.quantize(w, params.get(weightSite)),
                    simulated.sd().getArrForVarName(linear.name() + ".bias").toFloatVector(),
                    params.get(linear.inputSite()), params.get(linear.outputSite()), gemm);
            int[] input = Simulation.levels(values.get(linear.inputSite()), params.get(linear.inputSite()));
            int[] expected = Simulation.levels(values.get(linear.outputSite()), params.get(linear.outputSite()));

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
        System.out.printf("W8A8, weights per %s: %d of %d levels off by one%n", weightGranularity, offByOne, compared);
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
}
