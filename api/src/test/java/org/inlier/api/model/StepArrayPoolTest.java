package org.inlier.api.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class StepArrayPoolTest {

    private static final int STEPS = 6;
    private static final double LR = 0.1;

    /** A small graph with the ops whose backward passes write into fresh arrays: matmul, bias add, LayerNorm, GELU, softmax. */
    private static SameDiff graph() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 6);
        SDVariable y = sd.placeHolder("y", DataType.FLOAT, -1, 4);
        Nd4j.getRandom().setSeed(7);
        SDVariable w1 = sd.var("w1", Nd4j.randn(DataType.FLOAT, 6, 8).muli(0.5));
        SDVariable b1 = sd.var("b1", Nd4j.zeros(DataType.FLOAT, 8));
        SDVariable gamma = sd.var("gamma", Nd4j.ones(DataType.FLOAT, 8));
        SDVariable w2 = sd.var("w2", Nd4j.randn(DataType.FLOAT, 8, 4).muli(0.5));
        SDVariable h = sd.nn.gelu(sd.nn.layerNorm(x.mmul(w1).add(b1), gamma, false, 1));
        SDVariable p = sd.nn.softmax(h.mmul(w2), 1);
        y.mul(sd.math.log(p)).neg().sum().div(8).rename("loss");
        return sd;
    }

    private static Map<String, INDArray> batch(Random random) {
        INDArray x = Nd4j.create(DataType.FLOAT, 8, 6);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 4);
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 6; j++) {
                x.putScalar(i, j, random.nextGaussian());
            }
            y.putScalar(i, random.nextInt(4), 1);
        }
        return Map.of("x", x, "y", y);
    }

    /** SGD steps on fresh batches; the pool, when given, recycles each step's arrays into the next. */
    private static Map<String, INDArray> train(SameDiff sd, StepArrayPool pool, Set<Long> gradientBuffers) {
        Random random = new Random(11);
        List<String> params = List.of("w1", "b1", "gamma", "w2");
        for (int step = 0; step < STEPS; step++) {
            Map<String, INDArray> feeds = batch(random);
            if (pool != null) {
                pool.nextStep(sd);
            }
            Map<String, INDArray> gradients = sd.calculateGradientsAndOutputs(feeds, List.of("loss"), params).getGradients();
            for (String name : params) {
                gradientBuffers.add(gradients.get(name).data().address());
                sd.getVariable(name).getArr().subi(gradients.get(name).mul(LR));
            }
        }
        return Map.of("w1", sd.getArrForVarName("w1").dup(), "gamma", sd.getArrForVarName("gamma").dup(), "w2", sd.getArrForVarName("w2").dup());
    }

    @Test
    void trainingWithThePoolIsBitForBitTrainingWithout() {
        Map<String, INDArray> without = train(graph(), null, new HashSet<>());
        StepArrayPool pool = new StepArrayPool();
        Map<String, INDArray> with = train(graph(), pool, new HashSet<>());
        pool.close();
        without.forEach((name, value) -> assertThat(with.get(name).ravel().toFloatVector()).as(name).containsExactly(value.ravel().toFloatVector()));
    }

    @Test
    void stepsReuseTheMemoryOfThePreviousStep() {
        Set<Long> with = new HashSet<>();
        StepArrayPool pool = new StepArrayPool();
        train(graph(), pool, with);
        pool.close();
        // SameDiff alone gives every step's gradients new memory. The pool joins the session SameDiff
        // creates in step 1, so step 1 and step 2 allocate, and every later step reuses step 2's arrays.
        assertThat(with).hasSize(4 * 2);
    }

    @Test
    void closingGivesTheSessionItsOwnManagerBack() {
        SameDiff sd = graph();
        StepArrayPool pool = new StepArrayPool();
        sd.calculateGradientsAndOutputs(batch(new Random(1)), List.of("loss"), List.of("w1"));
        InferenceSession session = sd.getFunction("grad").getSessions().get(Thread.currentThread().getId());
        SessionMemMgr own = session.getMmgr();
        pool.nextStep(sd);
        assertThat(session.getMmgr()).isSameAs(pool);
        pool.close();
        assertThat(session.getMmgr()).isSameAs(own);
    }
}
