package org.inlier.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * A SameDiff listener that adds up the time of every executed op by op type, separately for
 * the forward ops and the ops the gradient function added (the backward pass), and for matrix
 * products also by input shapes, since one op type covers both large and tiny products.
 *
 * <p>It times from {@code preOpExecution} to {@code opExecution}, which bracket the native call
 * and the output allocation of one op, in wall time and in CPU time of the calling thread (the
 * process's CPU time cannot be read cheaply enough per op); whatever SameDiff does between ops
 * (scheduling, array bookkeeping) is the call's time minus the sum of these.
 */
public final class OpTimer extends BaseListener {

    /**
     * Total time and calls of one kind of op in one phase.
     *
     * @param phase    {@code forward} or {@code backward}
     * @param opType   the op's name ({@code matmul}, {@code layer_norm_bp}, ...)
     * @param inputs   the input shapes for matrix products ({@code *} marks a non-contiguous view), else empty
     * @param calls    executions
     * @param nanos    total wall time
     * @param cpuNanos total CPU time of the calling thread in these ops (all their work at one thread)
     */
    public record OpTotal(String phase, String opType, String inputs, long calls, long nanos, long cpuNanos) {
    }

    private final Set<String> forwardOps;
    private final Map<List<String>, long[]> byType = new HashMap<>();
    private final Map<List<String>, long[]> byMatmulShape = new HashMap<>();
    private long started;
    private long cpuStarted;
    private long totalCpuNanos;

    /** @param forwardOps names of the forward graph's ops, taken before any gradient was computed */
    public OpTimer(Set<String> forwardOps) {
        this.forwardOps = Set.copyOf(forwardOps);
    }

    @Override
    public boolean isActive(Operation operation) {
        return true;
    }

    @Override
    public void preOpExecution(SameDiff sd, At at, SameDiffOp op, OpContext opContext) {
        cpuStarted = Machine.threadCpuNanos();
        started = System.nanoTime();
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext opContext, INDArray[] outputs) {
        long elapsed = System.nanoTime() - started;
        long cpu = Machine.threadCpuNanos() - cpuStarted;
        totalCpuNanos += cpu;
        String phase = forwardOps.contains(op.getName()) ? "forward" : "backward";
        String type = op.getOp().opName();
        add(byType, List.of(phase, type, ""), elapsed, cpu);
        if (type.startsWith("matmul") && opContext != null) {
            add(byMatmulShape, List.of(phase, type, describe(opContext)), elapsed, cpu);
        }
    }

    /** CPU time of the calling thread inside ops so far. */
    public long totalCpuNanos() {
        return totalCpuNanos;
    }

    /** Totals by op type, most CPU time first. */
    public List<OpTotal> byType() {
        return sorted(byType);
    }

    /** Totals of the matrix-product ops by input shapes, most CPU time first. */
    public List<OpTotal> byMatmulShape() {
        return sorted(byMatmulShape);
    }

    private static void add(Map<List<String>, long[]> totals, List<String> key, long nanos, long cpuNanos) {
        long[] total = totals.computeIfAbsent(key, k -> new long[3]);
        total[0]++;
        total[1] += nanos;
        total[2] += cpuNanos;
    }

    private static List<OpTotal> sorted(Map<List<String>, long[]> totals) {
        List<OpTotal> list = new ArrayList<>();
        totals.forEach((key, total) -> list.add(new OpTotal(key.get(0), key.get(1), key.get(2), total[0], total[1], total[2])));
        // CPU time, unlike wall time, does not depend on how often others preempted the op.
        list.sort(Comparator.comparingLong(OpTotal::cpuNanos).reversed());
        return list;
    }

    /** Input shapes and the transpose flags, e.g. {@code [16, 4, 64, 32]* × [16, 4, 64, 32]* t=[0, 1, 0]}. */
    private static String describe(OpContext context) {
        String shapes = context.getInputArrays().stream()
                .map(a -> Arrays.toString(a.shape()) + (Shape.hasDefaultStridesForShape(a) ? "" : "*"))
                .collect(Collectors.joining(" × "));
        List<Long> flags = context.getIArguments();
        return flags.stream().anyMatch(f -> f != 0) ? shapes + " t=" + flags : shapes;
    }
}
