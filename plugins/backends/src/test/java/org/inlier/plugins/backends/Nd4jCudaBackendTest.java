package org.inlier.plugins.backends;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.inlier.api.plugin.Options;
import org.junit.jupiter.api.Test;

class Nd4jCudaBackendTest {

    private final Nd4jCudaBackend backend = new Nd4jCudaBackend();

    @Test
    void onTheDefaultCpuBuildActivationFailsSayingHowToGetTheCudaBuild() {
        assertThat(Nd4jBackend.activeBuild()).isEqualToIgnoringCase("CPU");
        assertThatThrownBy(() -> backend.activate(Options.withDefaults(backend.options(), Map.of())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("backend 'nd4j-cuda' needs ND4J's CUDA build, but this Inlier was built with its CPU build")
                .hasMessageContaining("mvn -Pcuda package");
    }

    @Test
    void simulatesWhatTheCpuBackendSimulates() {
        Options options = Options.withDefaults(backend.options(), Map.of());
        Nd4jCpuBackend cpu = new Nd4jCpuBackend();
        assertThat(backend.capabilities(options)).isEqualTo(cpu.capabilities(Options.withDefaults(cpu.options(), Map.of())));
        assertThat(backend.capabilities(options).trains()).isTrue();
    }
}
