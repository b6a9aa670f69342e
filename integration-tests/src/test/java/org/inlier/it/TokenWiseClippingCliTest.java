package org.inlier.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token-Wise Clipping with its fine stage through the CLI: what calibration.json and the report record. */
class TokenWiseClippingCliTest {

    @TempDir
    Path dir;

    @Test
    void recordsTheCandidatesTheRangesPerSiteAndTheFineStagesLossCurve() throws Exception {
        Path pipeline = Files.writeString(dir.resolve("twc.yaml"), """
                name: twc
                seed: 3
                model: { family: decoder-clm, layers: 1, hidden: 16, heads: 2, ffn: 32, seq: 8 }
                data: { set: text-file, path: "%s" }
                backend: { id: nd4j-cpu, threads: 1 }
                suppression:
                  - { id: token-wise-clipping, candidates: 2, fine: { enabled: true, epochs: 2, lr: 1.0e-2 } }
                stages:
                  - calibrate: { batches: 2, batch: 4 }
                  - quantize: { weights: { bits: 6, granularity: channel }, activations: { bits: 6 } }
                """.formatted(TinyPipelines.text(dir).toAbsolutePath()));

        CliResult result = CliResult.in(dir, "run", pipeline.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        Path run;
        try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
            run = runs.findFirst().orElseThrow();
        }
        JsonNode twc = new ObjectMapper().readTree(run.resolve("calibration.json").toFile()).at("/suppression/token-wise-clipping");
        assertThat(twc.get("candidates")).hasSize(3); // ⌈2 · 8 / 6⌉ at 6 bits
        assertThat(twc.get("candidates").get(0).get("alpha").asDouble()).isEqualTo(1.0);
        assertThat(twc.get("candidates").get(2).get("alpha").asDouble()).isEqualTo(0.98);
        assertThat(twc.get("fine stage")).hasSize(2 * 2);
        JsonNode summary = twc.get("summary").get(0);
        assertThat(summary.has("output_mse_coarse")).isTrue();
        assertThat(summary.has("output_mse_fine")).isTrue();
        JsonNode ranges = twc.get("ranges");
        assertThat(ranges.size()).isGreaterThan(3);
        for (JsonNode row : ranges) {
            assertThat(row.get("alpha").asDouble()).isEqualTo(summary.get("alpha").asDouble());
            JsonNode site = new ObjectMapper().readTree(run.resolve("calibration.json").toFile()).get(row.get("site").asText());
            assertThat(site.get("max").get(0).asDouble()).as(row.get("site").asText()).isEqualTo(row.get("max").asDouble());
        }
        assertThat(run.resolve("report.md")).content().contains("## token-wise-clipping: candidates",
                "## token-wise-clipping: ranges", "## token-wise-clipping: fine stage", "## token-wise-clipping: summary");
    }
}
