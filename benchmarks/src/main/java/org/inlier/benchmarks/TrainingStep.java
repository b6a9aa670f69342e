package org.inlier.benchmarks;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.ModelSpec;
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
 * One {@code decoder-clm} model with vanilla attention, built through the real plugin classes,
 * and the three parts of a training step as {@code TrainStage} runs them: forward and backward in
 * one {@code calculateGradientsAndOutputs} call, then gradient clipping by global norm and the
 * AdamW update. The forward pass alone ({@code sd.output}) is timed separately to split the step.
 */
public final class TrainingStep {

    /** The quickstart's peak learning rate; the value does not change the work done. */
    private static final double LR = 3e-3;
    /** Starting QAT bounds; the value does not change the work done. */
    private static final double QAT_START_BOUND = 4;
    /** TrainStage's default clipping threshold. */
    private static final double GRAD_CLIP = 1.0;

    private final ModelSize size;
    private final DecoderClm family = new DecoderClm();
    private final Options options;
    private final ModelGraph model;
    private final ParameterBuffer params;
    private final AdamW optimiser;
    private final Set<String> forwardOps;

    /** Builds the plain training graph with weights drawn from {@code seed}. */
    public TrainingStep(ModelSize size, long seed) {
        this(size, seed, 0);
    }

    /**
     * Builds the training graph with weights drawn from {@code seed}, under quantization-aware
     * training at {@code qatBits} as {@code train: { qat.bits }} sets it up (linear-layer inputs
     * between learned bounds, every weight but the head per output channel), or plain at 0.
     */
    public TrainingStep(ModelSize size, long seed, int qatBits) {
        this.size = size;
        this.options = Options.withDefaults(family.options(), size.options());
        this.model = family.build(new ModelSpec(options, size.vocab(), new SoftmaxAttention(), Options.empty(),
                qatBits == 0 ? SiteInstrumentation.NONE : qat(qatBits, seed), seed, true));
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        Set<String> decayed = new HashSet<>();
        for (SDVariable v : model.sd().variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                arrays.put(v.name(), v.getArr());
                if (v.getArr().rank() >= 2) {
                    decayed.add(v.name()); // TrainStage's rule: weight matrices decay, vectors do not
                }
            }
        }
        this.params = new ParameterBuffer(arrays);
        this.optimiser = new AdamW(0.9, 0.99, 1e-8, 0.01, params.mask(decayed));
        this.forwardOps = Set.copyOf(model.sd().getOps().keySet());
    }

    /** QAT's instrumentation of this model: every linear input starts between ±{@value #QAT_START_BOUND}. */
    private SiteInstrumentation qat(int bits, long seed) {
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

    /** A batch of random token windows (B windows of T + 1 tokens), fed as TrainStage feeds real text. */
    public Map<String, INDArray> randomBatch(Random random) {
        int[][] windows = new int[size.batch()][size.seq() + 1];
        for (int[] window : windows) {
            for (int t = 0; t < window.length; t++) {
                window[t] = random.nextInt(size.vocab());
            }
        }
        return family.batch(windows, options, size.vocab(), true, random);
    }

    /** The forward pass alone: the loss, as evaluation computes it. */
    public double forward(Map<String, INDArray> feeds) {
        return model.sd().output(feeds, model.loss()).get(model.loss()).getDouble(0);
    }

    /** Forward and backward exactly as TrainStage calls them; returns the gradients by parameter. */
    public Map<String, INDArray> forwardBackward(Map<String, INDArray> feeds) {
        OutAndGrad result = model.sd().calculateGradientsAndOutputs(feeds, List.of(model.loss()), params.parameters().keySet());
        result.getOutputs().get(model.loss()).getDouble(0); // TrainStage reads the loss every step
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
        return model.sd();
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
