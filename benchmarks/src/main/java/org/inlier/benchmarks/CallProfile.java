package org.inlier.benchmarks;

import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Repeated SameDiff calls of one kind ({@code output} or {@code calculateGradientsAndOutputs})
 * run under an {@link OpTimer}: the time of each call and how much of it lies outside the ops,
 * which is SameDiff's own work (finding the ops to run, shape inference, array bookkeeping).
 * Measured in CPU time of the calling thread, which load from other processes barely changes
 * and which, at one thread, covers all the work.
 */
public final class CallProfile {

    /** The ops' totals over all calls. */
    public final OpTimer ops;
    /** Time per call. */
    public final Timing call;
    /** Calling-thread CPU time per call inside the ops. */
    public final Samples inOpsCpu;
    /** Calling-thread CPU time per call outside the ops. */
    public final Samples betweenCpu;
    /** Number of calls profiled. */
    public final int calls;

    private CallProfile(OpTimer ops, int calls) {
        this.ops = ops;
        this.calls = calls;
        this.call = new Timing(calls);
        this.inOpsCpu = new Samples(calls);
        this.betweenCpu = new Samples(calls);
    }

    /**
     * Runs {@code call} on {@code warmup} random batches with a timer attached, discarded, since
     * the listener path of SameDiff is new code to the JIT, then on {@code calls} more measured.
     * The weights stay fixed; their values do not change the work a call does.
     */
    public static CallProfile run(TrainingStep training, int warmup, int calls, Random random, Consumer<Map<String, INDArray>> call) {
        training.sameDiff().setListeners(new OpTimer(training.forwardOps()));
        for (int i = 0; i < warmup; i++) {
            call.accept(training.randomBatch(random));
        }
        CallProfile profile = new CallProfile(new OpTimer(training.forwardOps()), calls);
        training.sameDiff().setListeners(profile.ops);
        try {
            for (int i = 0; i < calls; i++) {
                Map<String, INDArray> feeds = training.randomBatch(random);
                long inOpsCpu = profile.ops.totalCpuNanos();
                profile.call.start();
                call.accept(feeds);
                profile.call.stop();
                profile.inOpsCpu.addNanos(profile.ops.totalCpuNanos() - inOpsCpu);
                profile.betweenCpu.addNanos(profile.call.threadCpu.lastNanos() - profile.inOpsCpu.lastNanos());
            }
        } finally {
            training.sameDiff().setListeners();
        }
        return profile;
    }

    /** Ops executed per call. */
    public double opsPerCall() {
        return ops.byType().stream().mapToLong(OpTimer.OpTotal::calls).sum() / (double) calls;
    }
}
