package org.inlier.benchmarks;

import java.util.Map;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.plugins.attention.SoftmaxAttention;
import org.inlier.plugins.pretrained.BertOnnx;
import org.inlier.runtime.stages.Distillation;

/**
 * The retrofit of {@code examples/retrofit-minilm.yaml} as one {@link TrainingStep}: all-MiniLM-L6-v2
 * (bert-onnx) as student and, with the same weights, as teacher, trained on the distance of their
 * last hidden states ({@code train: { objective: distill }}). Batches are random WordPiece ids
 * without padding, so every window is as long as {@code seq}: the work of full windows.
 */
public final class MiniLmDistillation {

    /** Rows of MiniLM's embedding table. */
    public static final int VOCAB = 30522;
    /** Ids below this are [PAD], [unused…], [CLS], [SEP], [MASK]: not drawn as text. */
    private static final int FIRST_WORD_ID = 1000;

    private MiniLmDistillation() {
    }

    /** The student's training step on {@code batch} windows of {@code seq} tokens. */
    public static TrainingStep step(int seq, int batch, long seed) {
        BertOnnx family = new BertOnnx();
        Options options = Options.withDefaults(family.options(), Map.of("seq", seq));
        ModelGraph student = family.build(new ModelSpec(options, VOCAB, new SoftmaxAttention(), Options.empty(),
                SiteInstrumentation.NONE, seed, true));
        ModelGraph teacher = family.build(new ModelSpec(options, VOCAB, new SoftmaxAttention(), Options.empty(),
                SiteInstrumentation.NONE, seed, false));
        Distillation distillation = Distillation.attach(student, teacher, Distillation.Target.HIDDEN);
        return new TrainingStep(student.sd(), Distillation.LOSS, random -> {
            int[][] windows = new int[batch][seq];
            for (int[] window : windows) {
                for (int t = 0; t < seq; t++) {
                    window[t] = FIRST_WORD_ID + random.nextInt(VOCAB - FIRST_WORD_ID);
                }
            }
            return distillation.feeds(family.batch(windows, options, VOCAB, true, random));
        });
    }
}
