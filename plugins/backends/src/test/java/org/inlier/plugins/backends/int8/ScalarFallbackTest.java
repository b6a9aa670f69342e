package org.inlier.plugins.backends.int8;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kernels are chosen when the JVM starts, so the fallback is checked in a JVM started without the Vector API. */
class ScalarFallbackTest {

    @Test
    void aJvmWithoutTheVectorModuleRunsTheScalarKernelsAndSaysWhy() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), KernelChoiceProbe.class.getName()))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();

        assertThat(process.waitFor()).as(output).isZero();
        assertThat(output).isEqualTo("scalar Java kernel, 1 thread; jdk.incubator.vector absent; "
                + "start java with --add-modules jdk.incubator.vector | " + (128 * 128 + 15) + " | scalar element-wise ops");
    }
}
