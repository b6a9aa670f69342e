package org.inlier.benchmarks;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.model.StepArrayPool;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.Range;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.plugins.attention.SoftmaxAttention;
import org.inlier.plugins.models.DecoderClm;
import org.inlier.plugins.quantizers.UniformAffineQuantizer;
import org.inlier.runtime.model.QatSites;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.train.AdamW;
import org.inlier.runtime.train.ParameterBuffer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One model's training step as {@code TrainStage} runs it: forward and backward in one
 * {@code calculateGradientsAndOutputs} call, then gradient clipping by global norm and the AdamW
 * update. The forward pass alone ({@code sd.output}) is timed separately to split the step, and
 * making a batch's feeds (for distillation: the teacher's forward pass) is a part of its own.
 * {@link #decoder} builds the {@code decoder-clm} of the training benchmark; {@link MiniLmDistillation}
 * the retrofit of MiniLM.
 */
public final class TrainingStep {

    /** The quickstart's peak learning rate; the value does not change the work done. */
    private static final double LR = 3e-3;
    /** Starting QAT bounds; the value does not change the work done. */
    private static final double QAT_START_BOUND = 4;
    /** TrainStage's default clipping threshold. */
    private static final double GRAD_CLIP = 1.0;

    private final SameDiff sd;
    private final String loss;
    private final Function<Random, Map<String, INDArray>> batches;
    private final ParameterBuffer params;
    private final AdamW optimiser;
    private final Set<String> forwardOps;
    private final StepArrayPool stepArrays = new StepArrayPool();

    /**
     * A training step of {@code sd}, minimising {@code loss} over every variable of the graph, on
     * feeds drawn from {@code batches}.
     */
    public TrainingStep(SameDiff sd, String loss, Function<Random, Map<String, INDArray>> batches) {
        this.sd = sd;
        this.loss = loss;
        this.batches = batches;
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        Set<String> decayed = new HashSet<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                arrays.put(v.name(), v.getArr());
                if (v.getArr().rank() >= 2) {
                    decayed.add(v.name()); // TrainStage's rule: weight matrices decay, vectors do not
                }
            }
        }
        this.params = new ParameterBuffer(arrays);
        this.optimiser = new AdamW(0.9, 0.99, 1e-8, 0.01, params.mask(decayed));
        this.forwardOps = Set.copyOf(sd.getOps().keySet());
    }

    /** The plain {@code decoder-clm} training step of {@code size}, weights drawn from {@code seed}. */
    public static TrainingStep decoder(ModelSize size, long seed) {
        return decoder(size, seed, 0);
    }

    /**
     * The {@code decoder-clm} training step of {@code size} with weights drawn from {@code seed},
     * under quantization-aware training at {@code qatBits} as {@code train: { qat.bits }} sets it up
     * (linear-layer inputs between learned bounds, every weight but the head per output channel), or
     * plain at 0. Batches are random token windows, fed as TrainStage feeds real text.
     */
    public static TrainingStep decoder(ModelSize size, long seed, int qatBits) {
        DecoderClm family = new DecoderClm();
        Options options = Options.withDefaults(family.options(), size.options());
        ModelGraph model = family.build(new ModelSpec(options, size.vocab(), new SoftmaxAttention(), Options.empty(),
                qatBits == 0 ? SiteInstrumentation.NONE : qat(family, options, size, qatBits, seed), seed, true));
        return new TrainingStep(model.sd(), model.loss(), random -> {
            int[][] windows = new int[size.batch()][size.seq() + 1];
            for (int[] window : windows) {
                for (int t = 0; t < window.length; t++) {
                    window[t] = random.nextInt(size.vocab());
                }
            }
            return family.batch(windows, options, size.vocab(), true, random);
        });
    }

    /** QAT's instrumentation of this model: every linear input starts between ±{@value #QAT_START_BOUND}. */
    private static SiteInstrumentation qat(DecoderClm family, Options options, ModelSize size, int bits, long seed) {
        SiteRecorder probe = new SiteRecorder(SiteInstrumentation.NONE);
        family.build(new ModelSpec(options, size.vocab(), new SoftmaxAttention(), Options.empty(), probe, seed, true));
        Map<String, Range> bounds = new LinkedHashMap<>();
        Set<String> weights = new HashSet<>();
        for (QuantizationSite site : probe.sites().keySet()) {
            if (site.isWeight() && !site.name().startsWith("head.")) {
                weights.add(site.name());
            } else if (QatSites.LINEAR_INPUTS.contains(site.kind())) {
                bounds.put(site.name(), Range.of(-QAT_START_BOUND, QAT_START_BOUND));
            }
        }
        return new SiteRecorder(new QatSites(new UniformAffineQuantizer(), bits, bounds, weights, Granularity.CHANNEL));
    }

    /** The feeds of a fresh batch drawn from {@code random}, everything the step reads but the weights. */
    public Map<String, INDArray> randomBatch(Random random) {
        return batches.apply(random);
    }

    /** The forward pass alone: the loss, as evaluation computes it. */
    public double forward(Map<String, INDArray> feeds) {
        return sd.output(feeds, loss).get(loss).getDouble(0);
    }

    /**
     * Forward and backward exactly as TrainStage calls them; returns the gradients by parameter,
     * valid until the next call (the step's arrays are handed on, as in TrainStage).
     */
    public Map<String, INDArray> forwardBackward(Map<String, INDArray> feeds) {
        stepArrays.nextStep(sd);
        OutAndGrad result = sd.calculateGradientsAndOutputs(feeds, List.of(loss), params.parameters().keySet());
        result.getOutputs().get(loss).getDouble(0); // TrainStage reads the loss every step
        return result.getGradients();
    }

    /** Clipping by global norm and the AdamW update, in place, as TrainStage applies them. */
    public void update(Map<String, INDArray> grads) {
        params.loadGradients(grads);
        params.clipGradients(GRAD_CLIP);
        optimiser.update(params.values(), params.gradients(), LR);
        params.store();
    }

    /** The graph, for attaching listeners. */
    public SameDiff sameDiff() {
        return sd;
    }

    /** Names of the forward graph's ops, taken before the gradient function existed. */
    public Set<String> forwardOps() {
        return forwardOps;
    }

    /** Number of trainable parameters. */
    public long parameterCount() {
        return params.length();
    }
}
