package org.inlier.runtime.stages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.inlier.api.quant.QuantParams;
import org.inlier.runtime.report.Sections;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calibrate, quantize and evaluate a tiny model with a profile of its own. */
class MixedPrecisionRunTest {

    @TempDir
    static Path dir;

    private static TinyRun run;
    private static Sections report;

    @BeforeAll
    static void calibrateQuantizeEvaluate() throws Exception {
        run = new TinyRun(dir, """
                stages:
                  - calibrate: { batches: 2, batch: 4 }
                  - quantize:
                      activations: { bits: 4 }
                      profile:
                        name: mixed
                        overrides:
                          - { pattern: "layer.0.ffn.out", bits: 16 }
                          - { pattern: "last:layernorm-output", bits: float }
                          - { pattern: "kind:attention-probs", granularity: token }
                          - { pattern: "layer.7.*", bits: 6 }
                  - evaluate: { batches: 1, batch: 4 }
                """).run();
        report = new Sections(run.context.report().sections());
    }

    @Test
    void calibrationJsonShowsEachSitesBitsAndGranularity() throws Exception {
        JsonNode calibration = new ObjectMapper().readTree(run.context.dir().resolve("calibration.json").toFile());
        assertThat(calibration.get("layer.0.ffn.out").get("bits").asInt()).isEqualTo(16);
        assertThat(calibration.get("layer.0.attn.out").get("bits").asInt()).isEqualTo(4);
        assertThat(calibration.get("layer.0.attn.probs").get("granularity").asText()).isEqualTo("token");
        assertThat(calibration.get("layer.0.attn.scores").get("granularity").asText()).isEqualTo("tensor");
        // Kept in float: not observed at all.
        assertThat(calibration.has("final_ln.out")).isFalse();
        assertThat(calibration.has("layer.0.ln2.out")).isTrue();
    }

    @Test
    void quantizeAndEvaluateHonourEverySitesPrecision() {
        Map<String, QuantParams> params = run.context.quantParams();
        assertThat(params.get("layer.0.ffn.out").scheme().bits()).isEqualTo(16);
        assertThat(params).doesNotContainKey("final_ln.out");
        assertThat(params.get("layer.0.attn.probs").scale()).isEmpty();
        assertThat(report.rows(Sections.SITE_PRECISION)).filteredOn(r -> r.get("site").equals("final_ln.out"))
                .extracting(r -> r.get("bits")).containsExactly("float");
        assertThat(report.rows(Sections.SITE_PRECISION)).filteredOn(r -> r.get("site").equals("layer.0.ffn.fc1.weight"))
                .extracting(r -> r.get("bits")).containsExactly(8);
        assertThat(report.rows(Sections.SQNR)).filteredOn(r -> r.get("site").equals("layer.0.ffn.out"))
                .extracting(r -> r.get("bits")).containsExactly(16);
        assertThat(report.rows(Sections.SQNR)).extracting(r -> r.get("site")).doesNotContain("final_ln.out");
    }

    @Test
    void aPatternThatMatchesNoSiteIsWarnedAboutOnceByName() {
        // Calibrate and quantize both resolve the profile; the run warns once.
        assertThat(run.messages("warning")).containsExactly(
                "placement pattern 'layer.7.*' (override 4 of profile 'mixed') matches no quantized site of the model");
    }
}
