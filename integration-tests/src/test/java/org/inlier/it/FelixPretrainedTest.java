package org.inlier.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.inlier.runtime.bus.InlierRuntime;
import org.inlier.shell.felix.FelixShell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.launch.Framework;

/**
 * The bert-onnx plugin inside Felix: its bundle starts, and the MiniLM model and tokenizer it
 * ships through the langchain4j JAR (a library on the launcher's class path, its files in the
 * JAR's root) load through the bundle's own classes.
 */
class FelixPretrainedTest {

    private static final String PRETRAINED = "org.inlier.plugins-pretrained";

    @TempDir
    Path dir;

    @Test
    void theBundledMiniLmTokenizerAndModelLoadThroughThePretrainedBundlesClasses() throws Exception {
        ByteArrayOutputStream problems = new ByteArrayOutputStream();
        Framework felix = FelixShell.start(Files.createDirectories(dir.resolve("felix")), dir.resolve("runs"), dir.resolve("cache"),
                dir.resolve("no-plugins"), InlierRuntime.DEFAULT_QUEUE_CAPACITY, null,
                new PrintStream(problems, true, StandardCharsets.UTF_8), false);
        try {
            Bundle pretrained = Arrays.stream(felix.getBundleContext().getBundles())
                    .filter(b -> PRETRAINED.equals(b.getSymbolicName())).findFirst().orElseThrow();
            Bundle api = Arrays.stream(felix.getBundleContext().getBundles())
                    .filter(b -> "org.inlier.api".equals(b.getSymbolicName())).findFirst().orElseThrow();
            assertThat(pretrained.getState()).as(problems.toString(StandardCharsets.UTF_8)).isEqualTo(Bundle.ACTIVE);

            // Everything below runs on the bundles' classes: the test's own copies would see the class path.
            Class<?> bertOnnx = pretrained.loadClass("org.inlier.plugins.pretrained.BertOnnx");
            assertThat(bertOnnx.getClassLoader()).isNotSameAs(getClass().getClassLoader());
            Class<?> options = api.loadClass("org.inlier.api.plugin.Options");
            Object seq16 = options.getMethod("of", Map.class).invoke(null, Map.of("seq", 16));
            Object tokenizer = bertOnnx.getMethod("tokenizer", options).invoke(bertOnnx.getConstructor().newInstance(), seq16);
            try {
                Method vocabSize = tokenizer.getClass().getMethod("vocabSize");
                assertThat(vocabSize.invoke(tokenizer)).isEqualTo(30522);
            } finally {
                ((AutoCloseable) tokenizer).close();
            }
        } finally {
            felix.stop();
            felix.waitForStop(120_000);
        }
    }
}
