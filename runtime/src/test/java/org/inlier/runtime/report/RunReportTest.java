package org.inlier.runtime.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inlier.runtime.config.PipelineConfig;
import org.inlier.runtime.config.PipelineLoader;
import org.inlier.runtime.config.PipelineValidator;
import org.inlier.runtime.plugins.PluginDiscovery;
import org.inlier.runtime.stages.StageCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {

    @TempDir
    Path dir;

    static PipelineConfig tinyConfig() {
        String text = """
                name: synthetic
                model: { family: decoder-clm, layers: 2, hidden: 16, heads: 2, ffn: 32, seq: 8 }
                data: { set: text-file, path: unused.txt }
                stages: [train, evaluate]
                """;
        return PipelineValidator.validate(PipelineLoader.parse(text, "p.yaml", "p.yaml"), "p.yaml", "p",
                PluginDiscovery.discover(null), StageCatalog.builtIn());
    }

    /** Every section a full run writes, with made-up but plausible numbers (a few outliers in layer 1). */
    static RunReport fullReport() {
        RunReport report = new RunReport("run-1", tinyConfig());
        for (int step = 10; step <= 100; step += 10) {
            report.row(Sections.TRAINING_CURVE, Map.of("step", step, "loss", 3.0 / Math.sqrt(step), "lr", 1e-3 * (1 - step / 200.0)));
            report.row(Sections.OUTLIERS_DURING_TRAINING, Map.of("step", step, "max_inf_norm", 2.0 + step / 10.0, "avg_kurtosis", 3.0 + step / 20.0));
        }
        report.values("training", Map.of("steps", 100, "final_loss", 0.3));
        report.row(Sections.QUALITY, quality("FP32", 2.2));
        report.row(Sections.QUALITY, quality("W8A8", 2.25));
        report.row(Sections.QUALITY, quality("W4A4", 5.1));
        report.row(Sections.QUALITY, quality("W2A2", 7.0)); // perplexity ~1100: drawn on a log axis
        List<String> sites = List.of("embed.sum", "layer.0.ln1.out", "layer.0.ffn.out", "layer.1.ln1.out", "layer.1.ffn.out", "final_ln.out", "head.logits");
        for (int i = 0; i < sites.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("site", sites.get(i));
            row.put("inf_norm", 1.0 + i * i);
            row.put("kurtosis", 3.0 + i);
            row.put("max_abs", 1.5 + i * i);
            report.row(Sections.OUTLIERS_PER_SITE, row);
            for (String precision : List.of("W8A8", "W4A4")) {
                report.row(Sections.SQNR, Map.of("precision", precision, "site", sites.get(i), "sqnr_db", precision.equals("W8A8") ? 30.0 - i : 12.0 - i));
            }
            for (int d = 0; d < 2; d++) {
                report.row(Sections.OUTLIER_DIMENSIONS, Map.of("site", sites.get(i), "dimension", (i * 5 + d * 3) % 16, "max_abs", 10.0 * i + d,
                        "token", "'|'", "position", d));
            }
        }
        report.values(Sections.OUTLIERS, Map.of("max_inf_norm", 37.0, "avg_kurtosis", 6.5, "over", "FFN outputs and LayerNorm outputs"));
        for (int layer = 0; layer < 2; layer++) {
            for (int head = 0; head < 2; head++) {
                report.row(Sections.ATTENTION_SINKS, Map.of("site", "layer." + layer + ".attn.probs", "head", head,
                        "first_token_mass", 0.2 + 0.3 * head, "delimiter_mass", 0.1 + 0.2 * layer));
            }
        }
        for (int bin = 0; bin < 64; bin++) {
            double lower = -8 + bin * 0.5;
            report.row(Sections.ACTIVATION_HISTOGRAM, Map.of("site", "layer.1.ffn.out", "lower", lower, "upper", lower + 0.5,
                    "count", bin == 40 ? 0 : (int) (10_000 * Math.exp(-Math.abs(lower)))));
        }
        report.row(Sections.QUANTIZATION_GRID, Map.of("precision", "W8A8", "site", "layer.1.ffn.out", "clip_min", -8.0, "clip_max", 24.0, "levels", 256));
        report.row(Sections.QUANTIZATION_GRID, Map.of("precision", "W4A4", "site", "layer.1.ffn.out", "clip_min", -3.0, "clip_max", 3.0, "levels", 16));
        return report;
    }

    private static Map<String, Object> quality(String precision, double loss) {
        return Map.of("precision", precision, "loss", loss, "perplexity", Math.exp(loss));
    }

    @Test
    void aFullReportDrawsEveryPlotAsAValidPng() throws Exception {
        fullReport().write(dir);

        assertThat(ReportChecks.figuresAreValidPngs(dir)).containsExactly("plots/training-curve.png",
                "plots/outliers-during-training.png", "plots/quality-vs-bit-width.png", "plots/layer-inf-norm.png",
                "plots/layer-kurtosis.png", "plots/per-site-sqnr.png", "plots/outlier-map.png", "plots/attention-sinks.png",
                "plots/activation-histogram.png");
        assertThat(Files.readString(dir.resolve("report.md"))).doesNotContain("Not plotted");
    }

    @Test
    void theNumbersInMarkdownEqualThoseInJson() throws Exception {
        fullReport().write(dir);

        ReportChecks.markdownNumbersEqualJson(dir);
        assertThat(ReportChecks.json(dir).get("schema")).isEqualTo(RunReport.SCHEMA_VERSION);
    }

    @Test
    void plotsWithoutDataAreSkippedAndNamed() throws Exception {
        RunReport report = new RunReport("run-2", tinyConfig());
        report.row(Sections.QUALITY, quality("FP32", 2.2));
        report.write(dir);

        assertThat(ReportChecks.figuresAreValidPngs(dir)).containsExactly("plots/quality-vs-bit-width.png");
        assertThat(dir.resolve("plots/training-curve.png")).doesNotExist();
        assertThat(Files.readString(dir.resolve("report.md"))).contains("Not plotted: Training curve (no data)", "Per-site SQNR (no data)");
    }

    @Test
    void theHtmlReportIsSelfContained() throws Exception {
        fullReport().write(dir);

        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<h2>quality</h2>", "<td>W4A4</td>").doesNotContain("src=\"plots/");
    }
}
