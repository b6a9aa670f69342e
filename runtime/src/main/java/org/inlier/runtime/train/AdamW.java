package org.inlier.runtime.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter, 2019) over flat parameter and
 * gradient buffers (see {@link ParameterBuffer}), updating the parameters in place.
 *
 * <p>Decay is applied as {@code p −= lr · λ · p}, separately from the adaptive step, and only
 * where the decay mask is 1 (weight matrices; LayerNorm γ only when asked, since the outlier
 * paper notes decay on γ itself reduces outliers). The step is PyTorch's:
 * {@code p −= lr · m̂ / (√v̂ + ε)} with bias-corrected moments.
 */
public final class AdamW {

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final INDArray decayMask;
    private final INDArray m;
    private final INDArray v;
    private final INDArray scratch;
    private int step;

    /**
     * @param beta1       first-moment decay
     * @param beta2       second-moment decay
     * @param epsilon     added to the root of the second moment
     * @param weightDecay decoupled decay λ
     * @param decayMask   1 for the elements that decay, 0 for the others; its length is the number of
     *                    parameters, and its data type that of the parameters and gradients
     */
    public AdamW(double beta1, double beta2, double epsilon, double weightDecay, INDArray decayMask) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.decayMask = decayMask;
        this.m = Nd4j.zerosLike(decayMask);
        this.v = Nd4j.zerosLike(decayMask);
        this.scratch = Nd4j.zerosLike(decayMask);
    }

    /** Applies one update with learning rate {@code lr} to the flat {@code params} given their flat {@code grads}. */
    public void update(INDArray params, INDArray grads, double lr) {
        if (params.dataType() != scratch.dataType() || grads.dataType() != scratch.dataType()) {
            throw new IllegalArgumentException("AdamW: parameters (" + params.dataType() + ") and gradients (" + grads.dataType()
                    + ") must have the decay mask's data type, " + scratch.dataType());
        }
        step++;
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        // Every intermediate goes through one scratch buffer: a fresh temporary of the size of all
        // parameters would be allocated and zero-filled by libnd4j on each of six calls per step.
        m.muli(beta1).addi(grads.mul(1 - beta1, scratch));
        v.muli(beta2).addi(grads.mul(grads, scratch).muli(1 - beta2));
        if (weightDecay > 0) {
            params.subi(params.mul(decayMask, scratch).muli(lr * weightDecay));
        }
        INDArray denominator = Transforms.sqrt(v.div(correction2, scratch), false).addi(epsilon);
        params.subi(m.div(denominator, scratch).muli(lr / correction1));
    }

    /** The number of updates applied, for checkpoints. */
    public int step() {
        return step;
    }

    /** First moments, flat, live. */
    public INDArray firstMoment() {
        return m;
    }

    /** Second moments, flat, live. */
    public INDArray secondMoment() {
        return v;
    }

    /** Restores the step count of a checkpoint; its moments are assigned into the live arrays by the caller. */
    public void restore(int savedStep) {
        step = savedStep;
    }
}
