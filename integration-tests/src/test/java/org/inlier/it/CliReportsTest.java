package org.inlier.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.inlier.runtime.config.PipelineConfig;
import org.inlier.runtime.config.PipelineLoader;
import org.inlier.runtime.config.PipelineValidator;
import org.inlier.runtime.plugins.PluginDiscovery;
import org.inlier.runtime.report.RunReport;
import org.inlier.runtime.report.Sections;
import org.inlier.runtime.stages.StageCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inlier report}, {@code compare} and {@code sweep --dry-run} on reports written without training anything. */
class CliReportsTest {

    @TempDir
    Path dir;

    private static final String PIPELINE = """
            model: { family: decoder-clm, layers: 1, hidden: 16, heads: 2, ffn: 32, seq: 8 }
            data: { set: text-file, path: corpus.txt }
            attention: { variant: %s }
            stages: [train, calibrate, quantize, evaluate]
            """;

    /** A finished run's report with made-up numbers. */
    private void run(String id, String variant, double fpPerplexity, double w8a8Perplexity, double maxInfNorm) {
        PipelineConfig config = PipelineValidator.validate(PipelineLoader.parse(PIPELINE.formatted(variant), "p.yaml", "p.yaml"), "p.yaml",
                "p", PluginDiscovery.discover(null), StageCatalog.builtIn());
        RunReport report = new RunReport(id, config);
        report.row(Sections.QUALITY, Map.of("precision", "FP32", "loss", Math.log(fpPerplexity), "perplexity", fpPerplexity));
        report.row(Sections.QUALITY, Map.of("precision", "W8A8", "loss", Math.log(w8a8Perplexity), "perplexity", w8a8Perplexity));
        report.values(Sections.OUTLIERS, Map.of("max_inf_norm", maxInfNorm, "avg_kurtosis", 3.5));
        report.write(dir.resolve("runs").resolve(id));
    }

    @Test
    void reportPrintsARunsMarkdownOrItsSelfContainedHtml() {
        run("a", "vanilla", 9.3, 9.4, 40.0);

        CliResult md = CliResult.in(dir, "report", "a");
        CliResult html = CliResult.in(dir, "report", "a", "--format", "html");

        assertThat(md.exitCode()).as(md.err()).isZero();
        assertThat(md.out()).startsWith("# Run a").contains("## plots", "![Quality vs bit width](plots/quality-vs-bit-width.png)", "## quality");
        assertThat(html.out()).startsWith("<!DOCTYPE html>").contains("data:image/png;base64,");
    }

    @Test
    void reportOfAnUnknownRunSaysSoAndExitsTwo() {
        CliResult result = CliResult.in(dir, "report", "nope");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("no run 'nope'");
    }

    @Test
    void compareLabelsRunsByWhatDiffersAndStarsTheBestOfEachColumn() {
        run("a", "vanilla", 9.3, 12.0, 40.0);
        run("b", "clipped-softmax", 9.5, 9.6, 4.0);

        CliResult result = CliResult.in(dir, "compare", "a", "b");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("The runs' pipelines differ in: attention.variant, attention.zeta.", "FP32 ppl", "W8A8 ppl", "max inf-norm",
                "9.300 *", "9.600 *", "4.000 *", "* best (lowest) in its column");
        assertThat(result.out().lines().filter(l -> l.startsWith("a ")).findFirst().orElseThrow()).contains("vanilla", "40.00", "3.500 ").doesNotContain("40.00 *", "3.500 *");
    }

    @Test
    void aSweepFileIsCheckedWithDryRunAndRefusedAsAPipeline() throws Exception {
        Path sweep = Files.writeString(dir.resolve("s.yaml"), PIPELINE.formatted("vanilla") + """
                sweep:
                  attention.variant: [vanilla, clipped-softmax]
                  quantize.activations.bits: [8, 4]
                """);

        CliResult plan = CliResult.in(dir, "sweep", sweep.toString(), "--dry-run");
        CliResult asPipeline = CliResult.in(dir, "validate", sweep.toString());

        assertThat(plan.exitCode()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("4 points, 2 trainings", "p01-vanilla-8", "p02-vanilla-4  attention.variant=vanilla, "
                + "quantize.activations.bits=4, seed 42  reuses the training of p01-vanilla-8");
        assertThat(dir.resolve("runs")).doesNotExist();
        assertThat(asPipeline.exitCode()).isEqualTo(2);
        assertThat(asPipeline.err()).contains("sweep: a sweep block expands into several pipelines", "inlier sweep <file>");
    }

    @Test
    void aSweepProblemNamesTheSweepKey() throws Exception {
        Path sweep = Files.writeString(dir.resolve("s.yaml"), PIPELINE.formatted("vanilla") + "sweep: { attention.variant: [vanila] }\n");

        CliResult result = CliResult.in(dir, "sweep", sweep.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("sweep.attention.variant: value vanila gives attention: unknown attention-variant 'vanila'");
    }
}
