package org.inlier.plugins.backends.int8;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.SymmetricGrid;
import org.inlier.plugins.quantizers.UniformAffineQuantizer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The fake-quant simulation's side of the integer-execution tests: W·A· parameters as the quantize
 * stage freezes them (activations asymmetric per tensor from min-max ranges of the float model,
 * weights symmetric from their own min-max; the head excluded, as every built-in profile does),
 * the values at every site, and the integer levels of a fake-quantized tensor.
 */
final class Simulation {

    private Simulation() {
    }

    /** Biases start at zero; random ones make the tests cover the quantized bias. */
    static void randomizeBiases(ModelGraph model, Random random) {
        for (SDVariable v : model.sd().variables()) {
            if (v.getVariableType() == VariableType.VARIABLE && v.name().endsWith(".bias")) {
                INDArray bias = v.getArr();
                for (long j = 0; j < bias.length(); j++) {
                    bias.putScalar(j, random.nextGaussian() * 0.1);
                }
            }
        }
    }

    static void copyVariables(ModelGraph from, ModelGraph to) {
        for (SDVariable v : from.sd().variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                to.sd().getArrForVarName(v.name()).assign(v.getArr());
            }
        }
    }

    /** Every site's parameters outside the head: activations {@code activationBits} asymmetric per tensor, weights {@code weightBits} symmetric. */
    static Map<String, QuantParams> calibrate(UniformAffineQuantizer quantizer, ModelGraph model, SimulationSites sites,
                                              Map<String, INDArray> feeds, int activationBits, int weightBits, Granularity weights) {
        Map<String, QuantParams> params = new HashMap<>();
        run(model, sites.activations, feeds).forEach((site, x) -> {
            if (!site.startsWith("head.")) {
                params.put(site, quantizer.params(QuantScheme.asymmetricPerTensor(activationBits),
                        Range.of(x.minNumber().doubleValue(), x.maxNumber().doubleValue())));
            }
        });
        QuantScheme weightScheme = new QuantScheme(weightBits, true, weights, 1, SymmetricGrid.RESTRICTED);
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

    /**
     * Every site's value on one batch, by site name. In a float model a site passes its variable
     * on unchanged, so the next site on the same tensor (pre-LN's {@code embed.sum} and
     * {@code layer.0.ln1.in}) shares it: both get its value.
     */
    static Map<String, INDArray> run(ModelGraph model, Map<String, SDVariable> sites, Map<String, INDArray> feeds) {
        Map<String, List<String>> byVariable = new LinkedHashMap<>();
        sites.forEach((site, variable) -> byVariable.computeIfAbsent(variable.name(), v -> new ArrayList<>()).add(site));
        Map<String, INDArray> values = new LinkedHashMap<>();
        model.sd().output(feeds, List.copyOf(byVariable.keySet()))
                .forEach((variable, x) -> byVariable.get(variable).forEach(site -> values.put(site, x.dup())));
        return values;
    }

    /** The integer levels of a fake-quantized tensor, {@code rint(x̂ / s) + z}, checked to lie on the grid. */
    static int[] levels(INDArray fakeQuantized, QuantParams p) {
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
