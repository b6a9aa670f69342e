package org.inlier.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.inlier.runtime.model.Checkpoint;
import org.inlier.runtime.stages.TrainStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * examples/third-party-plugin, built by the maven-invoker-plugin before these tests (see this
 * module's pom): one JAR, used from the CLI's plugins folder and installed as a bundle in the
 * shell, with a pipeline that uses both of its plugins.
 */
class ThirdPartyExampleTest {

    private static final String BUNDLE = "org.example.inlier.learned-temperature";
    private static final String TEMPERATURE = "layer.0.attn.log_temperature";

    @TempDir
    Path dir;

    /** The JAR the invoker built; the property is set by this module's pom. */
    private static Path builtJar() {
        String jar = System.getProperty("third-party-plugin.jar");
        assertThat(jar).as("system property third-party-plugin.jar (run the tests with Maven)").isNotNull();
        assertThat(Path.of(jar)).as("the example's JAR; the invoker builds it in process-test-classes").exists();
        return Path.of(jar);
    }

    /** Training with the learned temperature, calibration with ACIQ, and (when asked) quantized evaluation. */
    private Path pipeline(boolean evaluate) throws IOException {
        return Files.writeString(dir.resolve("temperature.yaml"), """
                name: temperature
                model: { family: decoder-clm, layers: 1, hidden: 16, heads: 2, ffn: 32, seq: 8 }
                data: { set: text-file, path: "%s" }
                attention: { variant: learned-temperature, initial_temperature: 1.0 }
                backend: { id: nd4j-cpu, threads: 1 }
                stages:
                  - train: { steps: 6, batch: 4, lr: 2.0e-2, warmup: 0, log_every: 2, checkpoint_every: 6 }
                  - calibrate: { batches: 1, batch: 2, estimator: aciq-laplace }
                """.formatted(TinyPipelines.text(dir).toAbsolutePath()) + (evaluate ? """
                  - quantize: { weights: { bits: 8 }, activations: { bits: 8 } }
                  - evaluate: { batches: 2, batch: 2 }
                """ : ""));
    }

    @Test
    void theJarIsABundleWhoseManifestImportsOnlyTheApiAndNd4jAndThatHasNoActivator() throws IOException {
        try (JarFile jar = new JarFile(builtJar().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Bundle-SymbolicName")).isEqualTo(BUNDLE);
            assertThat(main.getValue("Bundle-Activator")).isNull();
            assertThat(main.getValue("Implementation-Version")).isEqualTo("1.0.0");
            List<String> imports = Arrays.stream(main.getValue("Import-Package").split(",(?=[a-z])")).map(i -> i.split(";")[0]).toList();
            assertThat(imports).isNotEmpty().allMatch(p -> p.startsWith("org.inlier.api.") || p.startsWith("org.nd4j."));
            assertThat(jar.getEntry("META-INF/services/org.inlier.api.attention.AttentionVariant")).isNotNull();
            assertThat(jar.getEntry("META-INF/services/org.inlier.api.quant.RangeEstimator")).isNotNull();
        }
    }

    @Test
    void theCliLoadsTheJarFromThePluginsFolderAndRunsAPipelineThatLearnsEachHeadsTemperature() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(builtJar(), plugins.resolve(builtJar().getFileName()));
        String[] folders = {"--plugins", plugins.toString(), "--runs", dir.resolve("runs").toString(), "--cache", dir.resolve("cache").toString()};

        CliResult listing = CliResult.run(concat(new String[] {"plugins"}, folders));
        CliResult run = CliResult.run(concat(new String[] {"run", pipeline(true).toString()}, folders));

        assertThat(listing.exitCode()).as(listing.err()).isZero();
        assertThat(listing.out()).containsPattern("attention-variant +learned-temperature +1\\.0\\.0")
                .containsPattern("range-estimator +aciq-laplace +1\\.0\\.0").contains("initial_temperature", "clip_to_observed");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("train step 6/6", "W8A8");
        Path runDir = onlyRun();
        assertThat(runDir.resolve("report.json")).content().contains("aciq-laplace");
        INDArray temperature = Checkpoint.load(runDir.resolve(TrainStage.CHECKPOINT)).arrays().get("params").get(TEMPERATURE);
        assertThat(temperature.shape()).containsExactly(1, 2, 1, 1);
        // Initialised at log 1 = 0; six Adam steps at lr 0.02 move each head's own temperature.
        assertThat(temperature.getDouble(0)).isNotZero().isNotEqualTo(temperature.getDouble(1));
    }

    @Test
    void theShellInstallsTheJarAsABundleRunsThePipelineAndDropsBothPluginsWhenItStops() throws Exception {
        Path pipeline = pipeline(false);
        Path plugins = Files.createDirectories(dir.resolve("no-plugins"));

        ShellSession shell = ShellSession.run(dir, plugins, List.of(
                ShellSession.marks("installed"), "start " + builtJar().toUri(), "inlier:plugins",
                ShellSession.marks("ran"), "inlier:run " + pipeline,
                ShellSession.marks("stopped"), "stop " + BUNDLE, "inlier:plugins",
                ShellSession.marks("uninstalled"), "uninstall " + BUNDLE, "inlier:plugins", "lb"));

        assertThat(shell.exitCode()).as(shell.err()).isZero();
        assertThat(shell.section("installed")).containsPattern("attention-variant +learned-temperature +1\\.0\\.0")
                .containsPattern("range-estimator +aciq-laplace +1\\.0\\.0").doesNotContain("problem:");
        assertThat(shell.section("ran")).as(shell.err()).contains("train step 6/6", "calibrate done in", " done; report: ");
        assertThat(shell.section("stopped")).contains("decoder-clm", "min-max").doesNotContain("learned-temperature", "aciq-laplace");
        assertThat(shell.section("uninstalled")).contains("decoder-clm").doesNotContain("learned-temperature", "aciq-laplace", BUNDLE);
        assertThat(onlyRun().resolve("report.json")).content().contains("aciq-laplace");
    }

    private Path onlyRun() throws IOException {
        try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
            List<Path> all = runs.filter(Files::isDirectory).toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Arrays.stream(a), Arrays.stream(b)).toArray(String[]::new);
    }
}
