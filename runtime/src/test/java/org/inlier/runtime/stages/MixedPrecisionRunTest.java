package org.inlier.runtime.stages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.inlier.api.quant.QuantParams;
import org.inlier.runtime.report.Sections;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calibrate, quantize and evaluate a tiny model with a profile of its own and sensitivity-guided mixed precision. */
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
                      sensitivity: { keep: 2, batches: 1 }
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

    @Test
    void sensitivityRanksTheSitesAndKeepsTheWorstTwoAt16Bits() {
        List<Map<String, Object>> ranking = report.rows(Sections.SITE_SENSITIVITY);
        // Every quantized site below 16 bits is a candidate: not layer.0.ffn.out, already at 16.
        assertThat(ranking).hasSize(run.context.quantParams().size() - 1);
        assertThat(ranking).extracting(r -> r.get("site")).doesNotContain("layer.0.ffn.out", "final_ln.out");
        List<Double> errors = ranking.stream().map(r -> ((Number) r.get("output_mse")).doubleValue()).toList();
        assertThat(errors).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(errors.get(0)).isPositive();
        List<String> kept = ranking.subList(0, 2).stream().map(r -> (String) r.get("site")).toList();
        assertThat(ranking).extracting(r -> r.get("kept_as")).startsWith("16bit", "16bit", "-");
        kept.forEach(site -> assertThat(run.context.quantParams().get(site).scheme().bits()).as(site).isEqualTo(16));
        assertThat(report.rows(Sections.SITE_PRECISION)).filteredOn(r -> kept.contains(r.get("site")))
                .extracting(r -> r.get("bits")).containsExactly(16, 16);

        List<Map<String, Object>> tradeOff = report.rows(Sections.SENSITIVITY_TRADE_OFF);
        assertThat(tradeOff).extracting(r -> r.get("kept")).containsExactly(0, 1, 2);
        assertThat(tradeOff).extracting(r -> r.get("site")).containsExactly("-", kept.get(0), kept.get(1));
        double before = ((Number) tradeOff.get(0).get("output_mse")).doubleValue();
        double after = ((Number) tradeOff.get(2).get("output_mse")).doubleValue();
        assertThat(after).isLessThan(before);
        double bitsBefore = ((Number) tradeOff.get(0).get("weight_bits")).doubleValue() + ((Number) tradeOff.get(0).get("activation_bits")).doubleValue();
        double bitsAfter = ((Number) tradeOff.get(2).get("weight_bits")).doubleValue() + ((Number) tradeOff.get(2).get("activation_bits")).doubleValue();
        assertThat(bitsAfter).isGreaterThan(bitsBefore);
        assertThat(run.messages("log")).anySatisfy(m -> assertThat(m).startsWith("quantize: sensitivity of " + ranking.size() + " sites on 1 batches")
                .contains("forward passes of two graphs"));
        assertThat(run.context.quantizedWith().label()).isEqualTo("W8A4 (mixed, 2 sensitive at 16bit)");
    }
}
