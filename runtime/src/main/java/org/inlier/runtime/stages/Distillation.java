package org.inlier.runtime.stages;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.inlier.api.model.ModelGraph;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The distillation objective of retrofitting: the student (the pipeline's model, with its attention
 * variant, QAT and regularisers) learns to reproduce the outputs of a teacher (the same weights
 * with plain softmax attention, as they were before the stage) on unlabelled text.
 *
 * <p>The loss is a mean squared difference, padding left out: of the last hidden states, per real
 * token and feature ({@code hidden}), or of the mean-pooled sentence embeddings ({@code pooled}).
 * Token weights are fed with each batch, {@code mask / (real tokens · features)} or
 * {@code mask / real tokens of the sequence}, so the graph only multiplies and sums (SameDiff's
 * gradients of broadcast divisions are wrong; see DEPENDENCIES.md). Public so that the benchmarks
 * time the very objective the stage trains.
 */
public final class Distillation {

    /** What the student matches. */
    public enum Target {
        /** Every real token's last hidden state. */
        HIDDEN,
        /** Each sequence's mean-pooled last hidden state. */
        POOLED;

        public static Target of(String option) {
            return valueOf(option.toUpperCase(Locale.ROOT));
        }
    }

    /** The name of the distillation loss in the student graph. */
    public static final String LOSS = "distill.loss";

    private static final String TEACHER = "distill.teacher";
    private static final String WEIGHTS = "distill.weights";

    private final ModelGraph teacher;
    private final Target target;

    private Distillation(ModelGraph teacher, Target target) {
        this.teacher = teacher;
        this.target = target;
    }

    /**
     * Adds the loss to the student's graph.
     *
     * @param student the model being trained
     * @param teacher the frozen model whose outputs it learns
     * @return the objective; its {@link #LOSS} is a scalar of the student graph
     */
    public static Distillation attach(ModelGraph student, ModelGraph teacher, Target target) {
        SameDiff sd = student.sd();
        SDVariable out = sd.getVariable(student.output());
        SDVariable weights = sd.placeHolder(WEIGHTS, out.dataType(), -1, -1, 1);
        SDVariable loss;
        if (target == Target.HIDDEN) {
            SDVariable diff = out.sub(sd.placeHolder(TEACHER, out.dataType(), -1, -1, -1));
            loss = diff.mul(diff).mul(weights).sum();
        } else {
            SDVariable pooled = out.mul(weights).sum(1); // (B, D)
            SDVariable diff = pooled.sub(sd.placeHolder(TEACHER, out.dataType(), -1, -1));
            loss = diff.mul(diff).mean();
        }
        loss.rename(LOSS);
        return new Distillation(teacher, target);
    }

    /**
     * The feeds a student batch needs beside the model's own: the teacher's output on the batch
     * and the token weights.
     */
    public Map<String, INDArray> feeds(Map<String, INDArray> batch) {
        INDArray taught = teacher.sd().output(batch, teacher.output()).get(teacher.output()); // (B, T, D)
        long b = taught.size(0);
        long t = taught.size(1);
        INDArray mask = batch.containsKey(ModelGraph.PADDING_MASK)
                ? batch.get(ModelGraph.PADDING_MASK).castTo(taught.dataType()).reshape(b, t, 1)
                : Nd4j.ones(taught.dataType(), b, t, 1);
        Map<String, INDArray> feeds = new HashMap<>(batch);
        if (target == Target.HIDDEN) {
            feeds.put(WEIGHTS, mask.div(mask.sumNumber().doubleValue() * taught.size(2)));
            feeds.put(TEACHER, taught);
        } else {
            INDArray perSequence = mask.div(mask.sum(true, 1)); // (B, T, 1): each real token 1 / its sequence's real tokens
            feeds.put(WEIGHTS, perSequence);
            feeds.put(TEACHER, taught.mul(perSequence).sum(1));
        }
        return feeds;
    }
}
