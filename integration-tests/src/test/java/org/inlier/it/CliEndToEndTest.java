package org.inlier.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliEndToEndTest {

    @TempDir
    Path dir;

    private CliResult cli(String... args) {
        return CliResult.in(dir, args);
    }

    @Test
    void runsATinyPipelineFromTrainingToQuantizedEvaluation() throws Exception {
        Path pipeline = TinyPipelines.endToEnd(dir, TinyPipelines.text(dir));

        CliResult result = cli("run", pipeline.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("train step 60/60", "tokens/s", "ETA", "FP32", "W8A8", "max inf-norm");
        Path run;
        try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
            run = runs.findFirst().orElseThrow();
        }
        assertThat(run.resolve("checkpoints/last.zip")).exists();
        assertThat(run.resolve("calibration.json")).exists();
        assertThat(run.resolve("quantized-w8a8.zip")).exists();
        assertThat(run.resolve("quantized-w4a4.zip")).exists();
        assertThat(run.resolve("pipeline.yaml")).exists();
        assertThat(run.resolve("report.md")).content().contains("## quality", "W8A8", "## per-site SQNR",
                "## outliers during training", "## outlier dimensions and tokens", "## attention sinks",
                "## activation histogram", "## quantization grid");
        JsonNode report = new ObjectMapper().readTree(run.resolve("report.json").toFile());
        assertThat(report.get("schema").asInt()).isEqualTo(1);
        JsonNode quality = report.at("/sections/quality");
        assertThat(quality).extracting(q -> q.get("precision").asText()).containsExactly("FP32", "W8A8", "W4A4");
        double fp = quality.get(0).get("perplexity").asDouble();
        double w8a8 = quality.get(1).get("perplexity").asDouble();
        // Training must have learned something (a uniform guess over ~25 characters has perplexity ~25)...
        assertThat(fp).isLessThan(12);
        // ...and 8-bit quantization of a model without outliers costs little.
        assertThat(w8a8).isBetween(fp * 0.9, fp * 1.5);
        List<String> events = Files.readAllLines(run.resolve("events.jsonl"));
        assertThat(events).anyMatch(e -> e.contains("\"type\":\"progress\"")).anyMatch(e -> e.contains("\"run.finished\""));
    }

    @Test
    void aPipelineWithThreeErrorsReportsAllThreeAndExitsNonZero() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                model: { family: decoder-clm, layrs: 2 }
                data: { set: brown-corpus }
                stages:
                  - train: { steps: -5 }
                  - quantize: { activations: { bits: 17 } }
                """);

        CliResult result = cli("validate", bad.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("bad.yaml has the following errors",
                "model.layrs: unknown option of model-family 'decoder-clm'; did you mean 'layers'?",
                "stages[0].train.steps: got -5; allowed: integer in [1, 10000000]",
                "stages[1].quantize.activations.bits: got 17; allowed: integer in [2, 16]");
    }

    @Test
    void anUnknownPluginIdListsTheKnownIdsOfItsKind() throws Exception {
        Path bad = Files.writeString(dir.resolve("unknown.yaml"), """
                model: { family: decoder-clm }
                data: { set: brown-corpus }
                attention: { variant: clipped-softmx }
                stages: [ train ]
                """);

        CliResult result = cli("validate", bad.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("attention: unknown attention-variant 'clipped-softmx'; did you mean 'clipped-softmax'?",
                "allowed: clipped-softmax, gated-attention, vanilla");
    }

    @Test
    void aCorpusPathThatDoesNotExistIsNamedInTheFailure() throws Exception {
        Path missing = dir.resolve("nowhere/corpus.txt");
        Path pipeline = Files.writeString(dir.resolve("missing.yaml"), """
                model: { family: decoder-clm, layers: 1, hidden: 16, heads: 2, ffn: 32, seq: 8 }
                data: { set: text-file, path: "%s" }
                stages: [ { train: { steps: 1 } } ]
                """.formatted(missing));

        CliResult result = cli("run", pipeline.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains(missing.toAbsolutePath().toString());
    }

    @Test
    void pluginsListsEveryBuiltInPluginWithItsOptions() {
        CliResult result = cli("plugins");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("model-family", "decoder-clm", "attention-variant", "clipped-softmax", "gated-attention",
                "quantizer", "uniform-affine", "range-estimator", "running-min-max", "percentile", "mse", "dataset", "brown-corpus",
                "text-file", "hardware-backend", "nd4j-cpu", "stage", "train",
                "heads", "integer in [1, 64]", "activations.bits", "integer in [2, 16]");
    }
}
