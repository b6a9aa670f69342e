package org.inlier.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a figure was measured on: processor, cores, Java, and the thread counts of ND4J's two
 * pools (OpenBLAS for GEMMs, libnd4j's OpenMP pool for everything else), plus the load others
 * put on the machine, since a busy core makes multi-threaded BLAS collapse.
 */
public final class Machine {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Machine() {
    }

    /**
     * Sets every ND4J thread count that can change at run time to {@code threads}. OpenMP reads
     * OMP_NUM_THREADS once at start-up, so that one must already match (see {@link #describe()}).
     */
    public static void useThreads(int threads) {
        Nd4j.factory().blas().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
    }

    /** One line with the processor, cores, Java and the thread settings in effect. */
    public static String describe() {
        return String.format(Locale.ROOT,
                "cpu: %s, %d cores | java %s (%s) | OMP_NUM_THREADS=%s, BLAS (%s) max threads %d, libnd4j max threads %d",
                cpuModel(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                System.getProperty("java.vm.name"), System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
                Nd4j.factory().blas().getBlasVendor(), Nd4j.factory().blas().getMaxThreads(), Nd4j.getEnvironment().maxThreads());
    }

    /** The 1-, 5- and 15-minute load averages of the whole machine. */
    public static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * CPU time all threads of this process have used, in nanoseconds, summed from
     * /proc/self/task/&#42;/schedstat: the JDK's process CPU time counts in 10 ms ticks, too coarse
     * here. Reading costs about 0.1–0.3 ms, so it brackets whole steps, not single ops.
     */
    public static long processCpuNanos() {
        long sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                sum += onCpuNanos(task.resolve("schedstat"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/task", e);
        }
        return sum;
    }

    /** CPU time of the calling thread in nanoseconds; cheap enough to bracket single ops. */
    public static long threadCpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** User-mode CPU time of the calling thread in nanoseconds, counted in 10 ms ticks on Linux. */
    public static long threadUserCpuNanos() {
        return THREADS.getCurrentThreadUserTime();
    }

    /** Milliseconds the JIT compilers have spent so far: SameDiff's large Java code keeps them busy for many steps. */
    public static long compilationMillis() {
        return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /** The first field of a schedstat file: time spent on a CPU; 0 for a thread that has just ended. */
    private static long onCpuNanos(Path schedstat) {
        try {
            String line = Files.readString(schedstat);
            return Long.parseLong(line.substring(0, line.indexOf(' ')));
        } catch (IOException e) {
            return 0;
        }
    }

    /** The {@code model name} of /proc/cpuinfo, which is what {@code lscpu} reports. */
    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
