package org.inlier.runtime.train;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter, 2019), updating parameters in place.
 *
 * <p>Decay is applied as {@code p −= lr · λ · p}, separately from the adaptive step, and only to
 * the parameters in {@code decayed} (weight matrices; LayerNorm γ only when asked, since the
 * outlier paper notes decay on γ itself reduces outliers).
 */
public final class AdamW {

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final Set<String> decayed;
    private final Map<String, INDArray> m = new HashMap<>();
    private final Map<String, INDArray> v = new HashMap<>();
    private int step;

    /**
     * @param beta1       first-moment decay
     * @param beta2       second-moment decay
     * @param epsilon     added to the root of the second moment
     * @param weightDecay decoupled decay λ
     * @param decayed     names of the parameters that decay
     */
    public AdamW(double beta1, double beta2, double epsilon, double weightDecay, Set<String> decayed) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.decayed = Set.copyOf(decayed);
    }

    /** Applies one update with learning rate {@code lr} to every parameter that has a gradient. */
    public void update(Map<String, INDArray> params, Map<String, INDArray> grads, double lr) {
        step++;
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            INDArray g = grads.get(e.getKey());
            if (g == null) {
                continue;
            }
            INDArray p = e.getValue();
            INDArray mt = m.computeIfAbsent(e.getKey(), k -> Nd4j.zerosLike(p));
            INDArray vt = v.computeIfAbsent(e.getKey(), k -> Nd4j.zerosLike(p));
            mt.muli(beta1).addi(g.mul(1 - beta1));
            vt.muli(beta2).addi(g.mul(g).muli(1 - beta2));
            if (decayed.contains(e.getKey())) {
                p.muli(1 - lr * weightDecay);
            }
            INDArray denominator = Transforms.sqrt(vt.div(correction2), false).addi(epsilon);
            p.subi(mt.div(denominator).muli(lr / correction1));
        }
    }

    /** The step count and moments, for checkpoints. */
    public int step() {
        return step;
    }

    /** First moments by parameter (live arrays). */
    public Map<String, INDArray> firstMoments() {
        return m;
    }

    /** Second moments by parameter (live arrays). */
    public Map<String, INDArray> secondMoments() {
        return v;
    }

    /** Restores state saved from {@link #step()}, {@link #firstMoments()} and {@link #secondMoments()}. */
    public void restore(int savedStep, Map<String, INDArray> firstMoments, Map<String, INDArray> secondMoments) {
        step = savedStep;
        m.clear();
        m.putAll(firstMoments);
        v.clear();
        v.putAll(secondMoments);
    }
}
