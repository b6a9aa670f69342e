package org.inlier.runtime.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.inlier.runtime.model.QatSites;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.inlier.runtime.report.Sections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QatTrainingTest {

    @TempDir
    Path dir;

    @Test
    void qatFakeQuantizesWeightsAsWellAsLayerInputsUnlessTurnedOff() throws Exception {
        TinyRun run = new TinyRun(dir.resolve("on"), "stages: [ { train: { steps: 2, batch: 2, warmup: 0, qat.bits: 4, log_every: 1 } } ]").run();
        // decoder-clm, 1 layer: token and position tables, q, k, v, out, fc1, fc2; the head stays in float.
        assertThat(run.messages("log")).anySatisfy(m -> assertThat(m).isEqualTo(
                "train: QAT at 4 bits on 5 sites with learned clipping and 8 weights per channel"));
        double loss = ((Number) new Sections(run.context.report().sections()).values("training").get("final_loss")).doubleValue();
        assertThat(loss).isFinite();

        TinyRun off = new TinyRun(dir.resolve("off"),
                "stages: [ { train: { steps: 1, batch: 2, warmup: 0, qat.bits: 4, qat.weights: none } } ]").run();
        assertThat(off.messages("log")).anySatisfy(m -> assertThat(m).isEqualTo("train: QAT at 4 bits on 5 sites with learned clipping"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void calibrationKeepsTheClippingBoundsQatLearnedAndTheEstimatorsRangeElsewhere() throws Exception {
        TinyRun run = new TinyRun(dir.resolve("calibrated"), """
                stages:
                  - train: { steps: 3, batch: 2, warmup: 0, lr: 0.05, qat.bits: 4 }
                  - calibrate: { batches: 2, batch: 2 }
                """).run();

        Map<String, Object> calibration = new ObjectMapper().readValue(run.context.dir().resolve("calibration.json").toFile(), Map.class);
        Map<String, INDArray> weights = run.context.weights();
        String site = "layer.0.ffn.hidden";
        Map<String, Object> learned = (Map<String, Object>) calibration.get(site);
        assertThat(learned).containsEntry("source", "qat");
        assertThat(((List<Number>) learned.get("min")).get(0).doubleValue()).isEqualTo(weights.get(QatSites.lowBound(site)).getDouble(0), within(1e-6));
        assertThat(((List<Number>) learned.get("max")).get(0).doubleValue()).isEqualTo(weights.get(QatSites.highBound(site)).getDouble(0), within(1e-6));
        assertThat((Map<String, Object>) calibration.get("layer.0.ffn.out")).containsEntry("source", "min-max");
        assertThat(new Sections(run.context.report().sections()).values("calibration")).containsEntry("learned_ranges", 5);
    }
}
