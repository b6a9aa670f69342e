package org.inlier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.inlier.it.ThirdPartySources.ATTENTION_IMPORTS;
import static org.inlier.it.ThirdPartySources.ATTENTION_SPI;
import static org.inlier.it.ThirdPartySources.attentionVariant;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inlier shell}: Felix with every bundle, the inlier:* Gogo commands, and plugin bundles coming and going. */
class FelixShellTest {

    @TempDir
    Path dir;

    private static Map<String, String> bundle(String symbolicName, String imports) {
        return Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", symbolicName, "Bundle-Version", "1.0.0",
                "Import-Package", imports);
    }

    @Test
    void theShellRunsAPipelineWithAPluginBundleInstalledWhileItRunsAndDropsItsPluginsWhenItStops() throws Exception {
        Path warm = PluginJars.build(dir, "warm-bundle", Map.of("thirdparty.WarmSoftmax", attentionVariant("WarmSoftmax", "warm-softmax", "")),
                Map.of(ATTENTION_SPI, "thirdparty.WarmSoftmax\nthirdparty.Missing\n"), bundle("thirdparty.warm", ATTENTION_IMPORTS));
        Path unresolvable = PluginJars.build(dir, "unresolvable-bundle", Map.of("thirdparty.Lonely", attentionVariant("Lonely", "lonely", "")),
                Map.of(ATTENTION_SPI, "thirdparty.Lonely\n"), bundle("thirdparty.lonely", ATTENTION_IMPORTS + ",com.example.nowhere"));
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.build(plugins, "grumpy-bundle", Map.of("thirdparty.Grumpy", """
                package thirdparty;
                public class Grumpy implements org.osgi.framework.BundleActivator {
                    public void start(org.osgi.framework.BundleContext c) { throw new IllegalStateException("grumpy activator"); }
                    public void stop(org.osgi.framework.BundleContext c) { }
                }
                """), Map.of(), Map.of("Bundle-ManifestVersion", "2", "Bundle-SymbolicName", "thirdparty.grumpy",
                "Bundle-Activator", "thirdparty.Grumpy", "Import-Package", "org.osgi.framework"));
        PluginJars.build(plugins, "plain", Map.of("thirdparty.Plain", attentionVariant("Plain", "plain", "")),
                Map.of(ATTENTION_SPI, "thirdparty.Plain\n"));
        Path pipeline = Files.writeString(dir.resolve("warm.yaml"), """
                model: { family: decoder-clm, layers: 1, hidden: 16, heads: 2, ffn: 32, seq: 8 }
                data: { set: text-file, path: "%s" }
                attention: { variant: warm-softmax }
                backend: { id: nd4j-cpu, threads: 1 }
                stages:
                  - train: { steps: 3, batch: 2, warmup: 0, log_every: 1 }
                  - calibrate: { batches: 1, batch: 2 }
                  - quantize: { weights: { bits: 8 }, activations: { bits: 8 } }
                  - evaluate: { batches: 2, batch: 2 }
                """.formatted(TinyPipelines.text(dir).toAbsolutePath()));
        Path endless = TinyPipelines.endless(dir, dir.resolve("corpus.txt"));

        ShellSession shell = ShellSession.run(dir, plugins, List.of(
                ShellSession.marks("booted"), "inlier:plugins",
                ShellSession.marks("installed"), "start " + warm.toUri(), "inlier:plugins",
                ShellSession.marks("ran"), "id = inlier:run " + pipeline, "inlier:report $id", "inlier:runs",
                "inlier:status $id", "inlier:cancel $id",
                ShellSession.marks("stopped"), "stop thirdparty.warm", "inlier:plugins", "uninstall thirdparty.warm",
                ShellSession.marks("unresolvable"), "start " + unresolvable.toUri(), "inlier:plugins",
                ShellSession.marks("queued"), "inlier:run --detach " + endless, "inlier:run --detach " + endless, "inlier:status"));

        assertThat(shell.exitCode()).as(shell.err()).isZero();
        assertThat(shell.err()).contains("thirdparty.grumpy", "did not start", "grumpy activator", "plain.jar is not a bundle");
        assertThat(shell.section("booted")).contains("decoder-clm", "clipped-softmax", "uniform-affine", "text-file", "nd4j-cpu",
                        "bert-onnx", "brown-sentences")
                .doesNotContain("warm-softmax");
        assertThat(shell.section("installed")).contains("warm-softmax", "softmax with a fixed temperature of 2",
                "problem: bundle thirdparty.warm 1.0.0", "bundle://", "META-INF/services/" + ATTENTION_SPI + ": thirdparty.Missing");
        assertThat(shell.section("ran")).as(shell.err()).contains("train step 3/3", "W8A8", " done; report: ", "# Run ", "warm-softmax");
        assertThat(shell.section("ran")).containsPattern("warm +done").contains("folder: ", "already finished: done; nothing to cancel");
        assertThat(shell.section("stopped")).contains("decoder-clm").doesNotContain("warm-softmax", "thirdparty.Missing");
        assertThat(shell.section("unresolvable")).contains("Unable to resolve", "com.example.nowhere", "decoder-clm")
                .doesNotContainPattern("attention-variant +lonely");
        assertThat(shell.section("queued")).contains("queued; follow it with: inlier:status").containsPattern("endless +running")
                .containsPattern("endless-2 +queued +position 1 in the queue");
        // Leaving the shell stopped the framework, which cancelled both runs and let the running one stop at a step boundary.
        try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
            assertThat(runs.filter(run -> run.getFileName().toString().contains("endless")).map(run -> run.resolve("events.jsonl")))
                    .hasSize(2).allSatisfy(events -> assertThat(events).content().contains("\"status\":\"cancelled\""));
        }
    }
}
