package org.inlier.plugins.suppression;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.inlier.api.model.StepArrayPool;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.SymmetricGrid;
import org.inlier.api.suppression.CalibrationContext;
import org.inlier.api.suppression.OutputLossGraph;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Token-Wise Clipping's fine stage (Wei et al. 2022): starting from the coarse ranges, learn each
 * clipped site's scale and zero-point by gradient on the final-output MSE, LSQ+ style (Bhalgat et
 * al. 2020) with every rounding straight through
 * ({@link CalibrationContext#learnableFakeQuantize}).
 *
 * <p>One Adam step (β₁ = 0.9, β₂ = 0.999, ε = 1e-8, no weight decay) per calibration batch, for
 * {@code epochs} passes over the batches in order; the loss of each step is the batch's output
 * error before the step. Adam moves each parameter by about {@code lr} per step whatever its
 * gradient's scale (so no LSQ gradient factor is applied), and it runs on dimensionless
 * parameters so that one learning rate suits every site, whatever the magnitude of its values
 * and its bit width: {@code ln s} (a step changes the scale by about {@code lr} of itself) and
 * {@code z / (qmax − qmin)} (a step moves the zero-point by about {@code lr} of the grid). Symmetric
 * schemes learn the scale only.
 *
 * <p>The learned parameters come back as ranges that give exactly them again under the
 * quantizer's rules: {@code [(qmin − z)·s, (qmax − z)·s]} with the zero-point {@code z} rounded and
 * clamped to the grid (asymmetric), {@code ±s·(2^(b−1) − 1)} or {@code ±s·(2^(b−1) − ½)}
 * (symmetric, restricted or half-step grid).
 *
 * @param epochs passes over the calibration batches
 * @param lr     Adam's learning rate
 */
record FineStage(int epochs, double lr) {

    /** The default number of passes over the calibration batches. */
    static final int DEFAULT_EPOCHS = 3;
    /** The default learning rate. */
    static final double DEFAULT_LR = 1e-3;

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;
    /** The smallest scale a step may leave. */
    static final double MIN_SCALE = 1e-8;

    /**
     * What the fine stage learned.
     *
     * @param ranges       the learned range of every site
     * @param outputError  the output error with the learned ranges, measured as the coarse stage measures it
     * @param losses       one row per step: {@code epoch}, {@code step}, {@code loss}
     * @param seconds      how long it took, the final measurement included
     */
    record Result(Map<String, Range> ranges, double outputError, List<Map<String, Object>> losses, double seconds) {
    }

    /** A learned scalar with its Adam moments. */
    private static final class Parameter {
        final String site;
        final boolean isScale;
        /** For a zero-point: the grid's width {@code qmax − qmin}, its unit in Adam's parameter. */
        final double levels;
        double value;
        double m;
        double v;

        Parameter(String site, boolean isScale, double levels, double value) {
            this.site = site;
            this.isScale = isScale;
            this.levels = levels;
            this.value = value;
        }

        String name() {
            return site + (isScale ? ".lsq.scale" : ".lsq.zero_point");
        }
    }

    /**
     * Learns the scale and zero-point of the given sites.
     *
     * @param context the calibration data
     * @param initial the coarse range of every site to learn (per-tensor sites)
     */
    Result learn(CalibrationContext context, Map<String, Range> initial) {
        long start = System.nanoTime();
        Map<String, Range> frozen = new LinkedHashMap<>(context.estimatedRanges());
        frozen.keySet().removeAll(initial.keySet());
        Map<String, QuantScheme> schemes = new LinkedHashMap<>();
        Map<String, Parameter> parameters = new LinkedHashMap<>();
        Map<String, UnaryOperator<SDVariable>> learned = new LinkedHashMap<>();
        for (Map.Entry<String, Range> e : initial.entrySet()) {
            String site = e.getKey();
            QuantParams p = context.params(site, e.getValue());
            schemes.put(site, p.scheme());
            double levels = p.scheme().qmax() - p.scheme().qmin();
            Parameter scale = new Parameter(site, true, levels, p.scale()[0]);
            Parameter zeroPoint = p.scheme().symmetric() ? null : new Parameter(site, false, levels, p.zeroPoint()[0]);
            parameters.put(scale.name(), scale);
            if (zeroPoint != null) {
                parameters.put(zeroPoint.name(), zeroPoint);
            }
            // Created as constants and made trainable once the graph is built: the model's own
            // weights are loaded into its variables after the build, which would list these as new.
            learned.put(site, x -> {
                SameDiff sd = x.getSameDiff();
                SDVariable s = sd.constant(scale.name(), Nd4j.scalar(x.dataType(), scale.value));
                SDVariable z = zeroPoint == null ? sd.constant(Nd4j.scalar(x.dataType(), 0))
                        : sd.constant(zeroPoint.name(), Nd4j.scalar(x.dataType(), zeroPoint.value));
                return context.learnableFakeQuantize(site, x, s, z);
            });
        }

        OutputLossGraph graph = context.outputLossGraph(frozen, learned);
        List<String> names = List.copyOf(parameters.keySet());
        graph.sd().convertToVariables(names.stream().map(graph.sd()::getVariable).toList());
        List<Map<String, Object>> losses = new ArrayList<>();
        int step = 0;
        try (StepArrayPool stepArrays = new StepArrayPool()) {
            for (int epoch = 1; epoch <= epochs; epoch++) {
                long epochStart = System.nanoTime();
                double sum = 0;
                for (Map<String, INDArray> batch : graph.feeds()) {
                    stepArrays.nextStep(graph.sd()); // the previous batch's loss and gradients are read by now
                    OutAndGrad result = graph.sd().calculateGradientsAndOutputs(batch, List.of(graph.loss()), names);
                    step++;
                    double loss = result.getOutputs().get(graph.loss()).getDouble(0);
                    sum += loss;
                    losses.add(Map.of("epoch", epoch, "step", step, "loss", loss));
                    for (Parameter parameter : parameters.values()) {
                        INDArray gradient = result.getGradients().get(parameter.name());
                        if (gradient != null) {
                            update(parameter, gradient.getDouble(0), step);
                            graph.sd().getVariable(parameter.name()).getArr().assign(parameter.value);
                        }
                    }
                }
                context.log(String.format(Locale.ROOT, "fine stage epoch %d of %d: mean loss %.3e, %.1f s", epoch, epochs,
                        sum / graph.feeds().size(), TokenWiseClipping.seconds(epochStart)));
            }
        }

        Map<String, Range> ranges = new LinkedHashMap<>();
        for (String site : initial.keySet()) {
            Parameter zeroPoint = parameters.get(site + ".lsq.zero_point");
            ranges.put(site, range(schemes.get(site), parameters.get(site + ".lsq.scale").value, zeroPoint == null ? 0 : zeroPoint.value));
        }
        Map<String, Range> all = new LinkedHashMap<>(context.estimatedRanges());
        all.putAll(ranges);
        double error = context.outputError(all);
        return new Result(ranges, error, losses, TokenWiseClipping.seconds(start));
    }

    /**
     * One Adam step on a scalar's dimensionless form: {@code ln s}, whose gradient is
     * {@code s · ∂L/∂s}, or {@code z / levels}, whose gradient is {@code levels · ∂L/∂z}.
     */
    private void update(Parameter p, double gradient, int t) {
        double g = p.isScale ? p.value * gradient : p.levels * gradient;
        p.m = BETA1 * p.m + (1 - BETA1) * g;
        p.v = BETA2 * p.v + (1 - BETA2) * g * g;
        double mHat = p.m / (1 - Math.pow(BETA1, t));
        double vHat = p.v / (1 - Math.pow(BETA2, t));
        double step = lr * mHat / (Math.sqrt(vHat) + EPSILON);
        if (p.isScale) {
            p.value = Math.max(p.value * Math.exp(-step), MIN_SCALE);
        } else {
            p.value -= step * p.levels;
        }
    }

    /** The range whose parameters under the scheme are this scale and zero-point (rounded and clamped to the grid). */
    static Range range(QuantScheme scheme, double scale, double zeroPoint) {
        if (scheme.symmetric()) {
            double absMax = scale * (scheme.grid() == SymmetricGrid.HALF_STEP ? scheme.qmax() + 0.5 : scheme.qmax());
            return Range.of(-absMax, absMax);
        }
        double z = Math.min(Math.max(Math.rint(zeroPoint), scheme.qmin()), scheme.qmax());
        return Range.of((scheme.qmin() - z) * scale, (scheme.qmax() - z) * scale);
    }
}
