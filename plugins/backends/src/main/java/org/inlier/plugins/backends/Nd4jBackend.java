package org.inlier.plugins.backends;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.inlier.api.backend.Capabilities;
import org.inlier.api.backend.HardwareBackend;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A backend that runs everything on one of ND4J's builds, quantization simulated in floating
 * point (so every bit width and granularity is supported). Which build is on the class path is
 * decided when Inlier is built (the CPU one by default, CUDA with {@code mvn -Pcuda}); a backend
 * that needs a particular build checks it on activation.
 */
abstract class Nd4jBackend implements HardwareBackend {

    /** ND4J's name of the build this backend needs ({@code CUDA}), or empty if any build will do. */
    abstract Optional<String> requiredBuild();

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.integer("threads", 0, 0, 1024, "BLAS and OpenMP threads on the CPU; 0 = one per available core"),
                OptionSpec.choice("dtype", "float32", List.of("float32", "float64"), "floating-point type of new arrays"));
    }

    @Override
    public Capabilities capabilities(Options options) {
        return new Capabilities(QuantScheme.MIN_BITS, QuantScheme.MAX_BITS, EnumSet.allOf(Granularity.class), true, Set.of());
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if this backend needs another ND4J build than the one Inlier was built with
     */
    @Override
    public String activate(Options options) {
        String build = activeBuild();
        requiredBuild().filter(required -> !required.equalsIgnoreCase(build)).ifPresent(required -> {
            throw new IllegalStateException("backend '" + id() + "' needs ND4J's " + required + " build, but this Inlier was built with its "
                    + build + " build: rebuild with 'mvn -Pcuda package' on a machine with an NVIDIA GPU and CUDA 11.6, or use backend 'nd4j-cpu'");
        });
        int threads = options.getInt("threads") == 0 ? Runtime.getRuntime().availableProcessors() : options.getInt("threads");
        // OpenBLAS runs the GEMMs, where nearly all the time goes on the CPU. ND4J's own OpenMP pool follows
        // OMP_NUM_THREADS at start-up; setting it afterwards has no effect (measured), so bin/inlier exports it.
        Nd4j.factory().blas().setMaxThreads(threads);
        DataType dtype = "float64".equals(options.getString("dtype")) ? DataType.DOUBLE : DataType.FLOAT;
        Nd4j.setDefaultDataTypes(dtype, dtype);
        String line = id() + ": " + Nd4j.factory().blas().getMaxThreads() + " BLAS threads, " + options.getString("dtype");
        return "CPU".equalsIgnoreCase(build) ? line : line + ", ND4J " + build + " build";
    }

    /** The ND4J build the process runs on, as ND4J names it ({@code CPU}, {@code CUDA}). */
    static String activeBuild() {
        return Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend", "CPU");
    }
}
