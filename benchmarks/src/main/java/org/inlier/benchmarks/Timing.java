package org.inlier.benchmarks;

/**
 * Wall time and CPU time of repeated runs of one thing. On a machine others load too, wall time
 * grows with their load while CPU time barely does. The calling thread's CPU time is, at one
 * thread, all the work of a SameDiff call (ops and SameDiff's own Java code) and so the best
 * estimate of the wall time on an idle machine; the process's CPU time adds the BLAS/OpenMP
 * workers at two threads, and the JIT compiler and garbage collector at any count.
 */
public final class Timing {

    /** Wall-clock time per run. */
    public final Samples wall;
    /** CPU time of all the process's threads per run. */
    public final Samples processCpu;
    /** CPU time of the calling thread per run. */
    public final Samples threadCpu;
    /** The part of {@link #threadCpu} spent in user mode, in 10 ms ticks: meaningful as a mean over many runs only. */
    public final Samples threadUserCpu;

    private long wallStart;
    private long processCpuStart;
    private long threadCpuStart;
    private long threadUserCpuStart;

    /** Room for {@code capacity} runs. */
    public Timing(int capacity) {
        this.wall = new Samples(capacity);
        this.processCpu = new Samples(capacity);
        this.threadCpu = new Samples(capacity);
        this.threadUserCpu = new Samples(capacity);
    }

    /**
     * Mean kernel time of the calling thread per run, in seconds: page faults and unmapping of
     * the fresh arrays SameDiff allocates for op outputs, which grows when others load the machine.
     */
    public double meanThreadKernelSeconds() {
        return threadCpu.mean() - threadUserCpu.mean();
    }

    /** Records as one run the last runs of {@code parts}, which followed each other. */
    public void addSumOfLast(Timing... parts) {
        long wallSum = 0;
        long processSum = 0;
        long threadSum = 0;
        long userSum = 0;
        for (Timing part : parts) {
            wallSum += part.wall.lastNanos();
            processSum += part.processCpu.lastNanos();
            threadSum += part.threadCpu.lastNanos();
            userSum += part.threadUserCpu.lastNanos();
        }
        wall.addNanos(wallSum);
        processCpu.addNanos(processSum);
        threadCpu.addNanos(threadSum);
        threadUserCpu.addNanos(userSum);
    }

    /** Marks the start of a run. */
    public void start() {
        processCpuStart = Machine.processCpuNanos(); // the slowest reading first, outside the other two
        threadCpuStart = Machine.threadCpuNanos();
        threadUserCpuStart = Machine.threadUserCpuNanos();
        wallStart = System.nanoTime();
    }

    /** Marks the end of the run started last. */
    public void stop() {
        wall.addNanos(System.nanoTime() - wallStart);
        threadCpu.addNanos(Machine.threadCpuNanos() - threadCpuStart);
        threadUserCpu.addNanos(Machine.threadUserCpuNanos() - threadUserCpuStart);
        processCpu.addNanos(Machine.processCpuNanos() - processCpuStart);
    }
}
