package org.inlier.runtime.stages;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
}
