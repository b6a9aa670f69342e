package org.inlier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.inlier.it.ThirdPartySources.ATTENTION_SPI;
import static org.inlier.it.ThirdPartySources.attentionVariant;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThirdPartyPluginJarTest {

    @TempDir
    Path dir;

    @Test
    void aJarWithAThrowingConstructorIsReportedAndTheOtherPluginsStillLoad() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.build(plugins, "good", Map.of("thirdparty.WarmSoftmax", attentionVariant("WarmSoftmax", "warm-softmax", "")),
                Map.of(ATTENTION_SPI, "thirdparty.WarmSoftmax\n"));
        Path broken = PluginJars.build(plugins, "broken",
                Map.of("thirdparty.Exploding", attentionVariant("Exploding", "exploding", "throw new IllegalStateException(\"boom\");")),
                Map.of(ATTENTION_SPI, "thirdparty.Exploding\nthirdparty.DoesNotExist\n"));
        PluginJars.build(plugins, "duplicate", Map.of("thirdparty.Impostor", attentionVariant("Impostor", "vanilla", "")),
                Map.of(ATTENTION_SPI, "thirdparty.Impostor\n"));

        CliResult result = CliResult.run("plugins", "--plugins", plugins.toString(), "--runs", dir.resolve("runs").toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("warm-softmax", "softmax with a fixed temperature of 2", "decoder-clm");
        assertThat(result.out()).doesNotContain("exploding");
        assertThat(result.err()).contains(broken.toAbsolutePath().toString(), "boom", "DoesNotExist",
                "duplicate attention-variant id 'vanilla' (thirdparty.Impostor); already provided by");
    }

    @Test
    void aPipelineCanUseAPluginFromTheFolder() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.build(plugins, "good", Map.of("thirdparty.WarmSoftmax", attentionVariant("WarmSoftmax", "warm-softmax", "")),
                Map.of(ATTENTION_SPI, "thirdparty.WarmSoftmax\n"));
        Path pipeline = Files.writeString(dir.resolve("warm.yaml"), """
                model: { family: decoder-clm, layers: 1, hidden: 16, heads: 2, ffn: 32, seq: 8 }
                data: { set: text-file, path: "%s" }
                attention: { variant: warm-softmax }
                stages: [ { train: { steps: 3, batch: 2, log_every: 1 } } ]
                """.formatted(TinyPipelines.text(dir).toAbsolutePath()));

        CliResult result = CliResult.run("run", pipeline.toString(), "--plugins", plugins.toString(),
                "--runs", dir.resolve("runs").toString(), "--cache", dir.resolve("cache").toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("train step 3/3");
    }
}
