package org.inlier.plugins.backends;

import java.util.Optional;

/**
 * ND4J's CUDA build on an NVIDIA GPU, for long training runs. The default build never downloads
 * it: {@code mvn -Pcuda package} swaps ND4J's CPU build for {@code nd4j-cuda-11.6}, and this
 * backend refuses to activate on any other build, naming what to do.
 */
public final class Nd4jCudaBackend extends Nd4jBackend {

    @Override
    public String id() {
        return "nd4j-cuda";
    }

    @Override
    public String description() {
        return "ND4J CUDA 11.6 build on an NVIDIA GPU (build with -Pcuda); quantization simulated in floating point";
    }

    @Override
    Optional<String> requiredBuild() {
        return Optional.of("CUDA");
    }
}
