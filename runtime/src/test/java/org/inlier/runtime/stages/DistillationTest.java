package org.inlier.runtime.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.plugin.Options;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.report.Sections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DistillationTest {

    private static final int B = 2;
    private static final int T = 3;
    private static final int D = 2;

    @TempDir
    Path dir;

    /** A "model" whose output is x · w, with w a (D, D) variable; its loss is unused. */
    private static ModelGraph linear(double[][] w) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.DOUBLE, -1, T, D);
        sd.placeHolder(ModelGraph.PADDING_MASK, DataType.DOUBLE, -1, T);
        SDVariable weight = sd.var("w", Nd4j.createFromArray(w));
        SDVariable out = x.reshape(-1, D).mmul(weight).reshape(-1, T, D).rename("out");
        sd.constant("loss", Nd4j.scalar(0.0));
        return new ModelGraph(sd, List.of("x", ModelGraph.PADDING_MASK), "loss", out.name(), List.of());
    }

    private static Map<String, INDArray> batch() {
        INDArray x = Nd4j.createFromArray(new double[][][] {{{1, 2}, {3, -1}, {0.5, 4}}, {{-2, 1}, {7, 7}, {1, 1}}});
        INDArray mask = Nd4j.createFromArray(new double[][] {{1, 1, 1}, {1, 0, 0}}); // the second sequence has one real token
        return Map.of("x", x, ModelGraph.PADDING_MASK, mask);
    }

    private static double loss(ModelGraph student, Distillation distillation) {
        return student.sd().output(distillation.feeds(batch()), Distillation.LOSS).get(Distillation.LOSS).getDouble(0);
    }

    @Test
    void theHiddenLossIsTheMeanSquaredDifferenceOverRealTokensAndFeatures() {
        ModelGraph student = linear(new double[][] {{1, 0}, {0, 1}});
        ModelGraph teacher = linear(new double[][] {{2, 0}, {0, 1}}); // differs from the student by x[..., 0] in feature 0
        Distillation distillation = Distillation.attach(student, teacher, Distillation.Target.HIDDEN);

        // Real tokens: x0 of (1, 3, 0.5) and (-2); squared differences 1, 9, 0.25, 4 over 4 tokens × 2 features.
        assertThat(loss(student, distillation)).isCloseTo((1 + 9 + 0.25 + 4) / 8.0, within(1e-12));
    }

    @Test
    void thePooledLossComparesMeanPooledEmbeddingsOfRealTokens() {
        ModelGraph student = linear(new double[][] {{1, 0}, {0, 1}});
        ModelGraph teacher = linear(new double[][] {{2, 0}, {0, 1}});
        Distillation distillation = Distillation.attach(student, teacher, Distillation.Target.POOLED);

        // Pooled feature-0 differences: mean(1, 3, 0.5) = 1.5 and -2; feature 1 agrees. Mean over (B, D) of the squares.
        assertThat(loss(student, distillation)).isCloseTo((1.5 * 1.5 + 4) / 4.0, within(1e-12));
    }

    @Test
    void gradientsOfBothTargetsMatchFiniteDifferences() {
        for (Distillation.Target target : Distillation.Target.values()) {
            ModelGraph student = linear(new double[][] {{0.3, -0.2}, {0.5, 1.1}});
            Distillation distillation = Distillation.attach(student, linear(new double[][] {{2, 0.1}, {-0.4, 1}}), target);
            student.sd().setLossVariables(Distillation.LOSS);
            INDArray w = student.sd().getVariable("w").getArr();
            INDArray analytic = student.sd().calculateGradients(distillation.feeds(batch()), "w").get("w").dup();
            double h = 1e-6;
            for (int i = 0; i < D; i++) {
                for (int j = 0; j < D; j++) {
                    double original = w.getDouble(i, j);
                    w.putScalar(new int[] {i, j}, original + h);
                    double up = loss(student, distillation);
                    w.putScalar(new int[] {i, j}, original - h);
                    double down = loss(student, distillation);
                    w.putScalar(new int[] {i, j}, original);
                    double numeric = (up - down) / (2 * h);
                    assertThat(analytic.getDouble(i, j)).as(target + " w[" + i + "," + j + "]")
                            .isCloseTo(numeric, within(1e-3 * Math.max(1, Math.abs(numeric))));
                }
            }
        }
    }

    /**
     * Retrofitting gated attention: with the gate scaled by 1/π_init (the paper's fine-tuning
     * recipe) the student starts within 5% of the teacher; without it, every head's output is halved.
     */
    @Test
    void aGatedStudentScaledByPiInitStartsNextToItsTeacher() throws Exception {
        TinyRun pretrained = pretrained();

        double scaled = initialDistance(pretrained, "{ variant: gated-attention, pi_init: 0.5, scale_by_pi_init: true }");
        double unscaled = initialDistance(pretrained, "{ variant: gated-attention, pi_init: 0.5 }");

        assertThat(scaled).isLessThan(0.05);
        assertThat(unscaled).isGreaterThan(4 * scaled);
    }

    /** Max |student − teacher| / max |teacher| of the logits on one batch, the student built from the pretrained weights. */
    private double initialDistance(TinyRun pretrained, String attention) throws Exception {
        TinyRun retrofit = retrofit(pretrained, attention, "[ calibrate ]");
        ModelGraph student = retrofit.context.buildModel(new SiteRecorder(SiteInstrumentation.NONE), false);
        ModelGraph teacher = retrofit.context.buildModel(new SiteRecorder(SiteInstrumentation.NONE), false, "vanilla", Options.empty());
        Map<String, INDArray> feeds = CalibrateStage.batches(retrofit.context, 1, 4).get(0);
        INDArray s = student.sd().output(feeds, student.output()).get(student.output());
        INDArray t = teacher.sd().output(feeds, teacher.output()).get(teacher.output());
        return s.sub(t).amaxNumber().doubleValue() / t.amaxNumber().doubleValue();
    }

    @Test
    void distillingAnUnscaledGatedStudentLowersItsDistanceToTheTeacher() throws Exception {
        // Gates start at 0.5 without the 1/π_init scale: every head's output is halved, far from the teacher.
        TinyRun run = retrofit(pretrained(), "{ variant: gated-attention, pi_init: 0.5 }", "[ { train: { objective: distill, steps: 30,"
                + " batch: 4, accumulate: 2, warmup: 5, lr: 3.0e-3, weight_decay: 0, log_every: 1, metrics_every: 0 } } ]")
                .run();

        List<Map<String, Object>> curve = new Sections(run.context.report().sections()).rows(Sections.TRAINING_CURVE);
        double first = ((Number) curve.get(0).get("loss")).doubleValue();
        double last = ((Number) curve.get(curve.size() - 1).get("loss")).doubleValue();
        assertThat(first).isPositive();
        assertThat(last).isLessThan(0.5 * first);
    }

    /** A tiny causal LM trained briefly on its own task with softmax attention. */
    private TinyRun pretrained() throws Exception {
        return new TinyRun(dir.resolve("pretrained"), "stages: [ { train: { steps: 20, batch: 4, warmup: 0, lr: 0.01, metrics_every: 0 } } ]").run();
    }

    /** A run of another attention variant that starts from the pretrained run's weights. */
    private TinyRun retrofit(TinyRun pretrained, String attention, String stages) throws Exception {
        TinyRun retrofit = new TinyRun(dir.resolve("retrofit-" + Integer.toHexString(attention.hashCode())), "attention: " + attention
                + "\nstages: " + stages + "\n");
        retrofit.context.keepWeights(pretrained.context.buildModel(new SiteRecorder(SiteInstrumentation.NONE), false));
        return retrofit;
    }
}
