package org.inlier.benchmarks;

import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Times the parts of training steps: after {@code warmup} discarded steps, each of {@code steps}
 * iterations times making a fresh random batch's feeds, the forward pass alone, then forward +
 * backward and the optimiser update of a real step on that batch. Interleaving keeps the three under the same
 * machine conditions, which on a shared machine matter more than the order.
 */
public final class StepTimes {

    /** Making the feeds of a batch: token windows, and for distillation the teacher's forward pass. */
    public final Timing feeds;
    /** {@code sd.output(feeds, loss)}. */
    public final Timing forward;
    /** {@code calculateGradientsAndOutputs}, forward and backward in one call. */
    public final Timing forwardBackward;
    /** Gradient clipping and AdamW. */
    public final Timing update;
    /** A training step as TrainStage runs it: feeds, forward + backward, then the update. */
    public final Timing step;
    private double jitSecondsPerStep;

    private StepTimes(int steps) {
        feeds = new Timing(steps);
        forward = new Timing(steps);
        forwardBackward = new Timing(steps);
        update = new Timing(steps);
        step = new Timing(steps);
    }

    /** Runs {@code warmup + steps} iterations on {@code training}, feeding batches drawn from {@code random}. */
    public static StepTimes measure(TrainingStep training, int warmup, int steps, Random random) {
        for (int i = 0; i < warmup; i++) {
            Map<String, INDArray> feeds = training.randomBatch(random);
            training.forward(feeds);
            training.update(training.forwardBackward(feeds));
        }
        StepTimes times = new StepTimes(steps);
        long jitStart = Machine.compilationMillis();
        for (int i = 0; i < steps; i++) {
            times.feeds.start();
            Map<String, INDArray> feeds = training.randomBatch(random);
            times.feeds.stop();
            times.forward.start();
            training.forward(feeds);
            times.forward.stop();

            times.forwardBackward.start();
            Map<String, INDArray> grads = training.forwardBackward(feeds);
            times.forwardBackward.stop();
            times.update.start();
            training.update(grads);
            times.update.stop();
            // The sum, not a bracket around both: reading the process's CPU time between them costs time too.
            times.step.addSumOfLast(times.feeds, times.forwardBackward, times.update);
        }
        times.jitSecondsPerStep = (Machine.compilationMillis() - jitStart) / 1e3 / steps;
        return times;
    }

    /** JIT compilation time per timed iteration, in seconds; well above zero means the JVM was still warming up. */
    public double jitSecondsPerStep() {
        return jitSecondsPerStep;
    }
}
