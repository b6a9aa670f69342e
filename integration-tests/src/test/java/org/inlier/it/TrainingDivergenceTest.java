package org.inlier.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.inlier.runtime.model.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingDivergenceTest {

    @TempDir
    Path dir;

    /**
     * An attention variant that multiplies by w / w, where w is a weight matrix with no gradient:
     * with lr · weight_decay = 1, decoupled decay sets w to exactly 0 in the first step, so the
     * second step's values are NaN — a divergence after a good checkpoint.
     */
    private static final String DIVERGING = """
            package thirdparty;
            import java.util.List;
            import org.inlier.api.attention.*;
            import org.inlier.api.plugin.*;
            import org.nd4j.autodiff.samediff.SDVariable;
            import org.nd4j.linalg.factory.Nd4j;
            public class Diverging implements AttentionVariant {
                public String id() { return "diverging"; }
                public String description() { return "becomes NaN after the first step"; }
                public List<OptionSpec> options() { return List.of(); }
                public SDVariable probabilities(SDVariable scores, AttentionContext c, Options o) {
                    SDVariable w = c.sd().var(c.scope() + ".w", Nd4j.ones(1, 1));
                    return c.sd().nn.softmax(scores, -1).mul(w.div(w));
                }
                public SDVariable headOutputs(SDVariable h, AttentionContext c, Options o) { return h; }
            }
            """;

    @Test
    void aLossThatBecomesNanStopsTheRunAndKeepsTheLastGoodCheckpoint() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJars.build(plugins, "diverging", Map.of("thirdparty.Diverging", DIVERGING),
                Map.of("org.inlier.api.attention.AttentionVariant", "thirdparty.Diverging\n"));
        Path pipeline = Files.writeString(dir.resolve("nan.yaml"), """
                model: { family: decoder-clm, layers: 1, hidden: 16, heads: 2, ffn: 32, seq: 8 }
                data: { set: text-file, path: "%s" }
                attention: { variant: diverging }
                stages:
                  - train: { steps: 10, batch: 2, lr: 1.0, warmup: 0, schedule: constant, weight_decay: 1.0,
                             checkpoint_every: 1, metrics_every: 0, log_every: 1 }
                """.formatted(TinyPipelines.text(dir).toAbsolutePath()));

        CliResult result = CliResult.run("run", pipeline.toString(), "--plugins", plugins.toString(),
                "--runs", dir.resolve("runs").toString(), "--cache", dir.resolve("cache").toString());

        assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(1);
        Matcher stopped = Pattern.compile("non-finite at step (\\d+) .*The last good checkpoint \\(step (\\d+)\\) is kept").matcher(result.err());
        assertThat(stopped.find()).as(result.err()).isTrue();
        int lastGood = Integer.parseInt(stopped.group(2));
        assertThat(lastGood).isEqualTo(Integer.parseInt(stopped.group(1)) - 1);
        Path run;
        try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
            run = runs.findFirst().orElseThrow();
        }
        Checkpoint last = Checkpoint.load(run.resolve("checkpoints/last.zip"));
        assertThat(((Number) last.state().get("step")).intValue()).isEqualTo(lastGood);
        assertThat(last.arrays().get("params").values()).allSatisfy(p -> assertThat(p.isNaN().any()).isFalse());
    }
}
