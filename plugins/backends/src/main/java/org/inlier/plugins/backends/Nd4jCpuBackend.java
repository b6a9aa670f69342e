package org.inlier.plugins.backends;

import java.util.Optional;

/**
 * The default backend: ND4J's native CPU build (OpenBLAS + OpenMP). It runs on whichever ND4J
 * build Inlier was built with, and says so when that is not the CPU one.
 */
public final class Nd4jCpuBackend extends Nd4jBackend {

    @Override
    public String id() {
        return "nd4j-cpu";
    }

    @Override
    public String description() {
        return "ND4J native CPU (OpenBLAS/OpenMP); quantization simulated in floating point";
    }

    @Override
    Optional<String> requiredBuild() {
        return Optional.empty();
    }
}
