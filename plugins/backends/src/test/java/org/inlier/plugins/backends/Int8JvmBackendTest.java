package org.inlier.plugins.backends;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.inlier.api.backend.IntegerOp;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Granularity;
import org.junit.jupiter.api.Test;

class Int8JvmBackendTest {

    private final Int8JvmBackend backend = new Int8JvmBackend();

    @Test
    void declaresIntegerLinearLayersAndAttentionProductsFromTwoToEightBitsPerTensorOrChannelAndNoTraining() {
        var caps = backend.capabilities(Options.withDefaults(backend.options(), Map.of()));

        assertThat(caps.minBits()).isEqualTo(2);
        assertThat(caps.maxBits()).isEqualTo(8);
        assertThat(caps.granularities()).isEqualTo(Set.of(Granularity.TENSOR, Granularity.CHANNEL));
        assertThat(caps.trains()).isFalse();
        assertThat(caps.integerOps()).containsExactlyInAnyOrder(IntegerOp.LINEAR, IntegerOp.ATTENTION_PRODUCTS);
        assertThat(caps.integerExecution()).isTrue();
    }

    @Test
    void activationReportsTheChosenKernelAndThreads() {
        String line = backend.activate(Options.withDefaults(backend.options(), Map.of("threads", 2)));

        assertThat(line).isEqualTo("int8-jvm: Vector API kernel (" + jdk.incubator.vector.IntVector.SPECIES_PREFERRED.length()
                + " int32 lanes), 2 threads; jdk.incubator.vector present; float stages on ND4J with 2 BLAS threads");
    }
}
