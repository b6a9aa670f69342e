package org.inlier.plugins.backends;

import java.util.EnumSet;
import java.util.List;
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
 * The default backend: ND4J's native CPU build (OpenBLAS + OpenMP). Quantization is simulated
 * in floating point, so every bit width and granularity is supported.
 */
public final class Nd4jCpuBackend implements HardwareBackend {

    @Override
    public String id() {
       return "nd4j-cpu";
    }

    @Override
    public String description() {
        return "ND4J native CPU (OpenBLAS/OpenMP); quantization simulated in floating point";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.integer("threads", 0, 0, 1024, "BLAS and OpenMP threads; 0 = one per available core"),
                OptionSpec.choice("dtype", "float32", List.of("float32", "float64"), "floating-point type of new arrays"));
    }

    @Override
    public Capabilities capabilities(Options options) {
        return new Capabilities(QuantScheme.MIN_BITS, QuantScheme.MAX_BITS, EnumSet.allOf(Granularity.class), true, Set.of());
    }

    @Override
    public String activate(Options options) {
        int threads = options.getInt("threads") == 0 ? Runtime.getRuntime().availableProcessors() : options.getInt("threads");
        // OpenBLAS runs the GEMMs, where nearly all the time goes. ND4J's own OpenMP pool follows
        // OMP_NUM_THREADS at start-up; setting it afterwards has no effect (measured), so bin/inlier exports it.
        Nd4j.factory().blas().setMaxThreads(threads);
        DataType dtype = "float64".equals(options.getString("dtype")) ? DataType.DOUBLE : DataType.FLOAT;
        Nd4j.setDefaultDataTypes(dtype, dtype);
        return "nd4j-cpu: " + Nd4j.factory().blas().getMaxThreads() + " BLAS threads, " + options.getString("dtype");
    }
}
