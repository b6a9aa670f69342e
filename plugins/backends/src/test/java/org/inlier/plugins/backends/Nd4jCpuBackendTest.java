package org.inlier.plugins.backends;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.inlier.api.plugin.Options;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class Nd4jCpuBackendTest {

    private final Nd4jCpuBackend backend = new Nd4jCpuBackend();

    @Test
    void activationSetsTheRequestedThreadCount() {
        String line = backend.activate(Options.withDefaults(backend.options(), Map.of("threads", 1)));
        assertThat(line).isEqualTo("nd4j-cpu: 1 BLAS threads, float32");
        assertThat(Nd4j.factory().blas().getMaxThreads()).isEqualTo(1);
    }

    @Test
    void simulatesEveryBitWidthFromTwoToSixteen() {
        var caps = backend.capabilities(Options.withDefaults(backend.options(), Map.of()));
        assertThat(caps.minBits()).isEqualTo(2);
        assertThat(caps.maxBits()).isEqualTo(16);
        assertThat(caps.integerExecution()).isFalse();
    }
}
