package org.inlier.runtime.stages;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationNanTest {

    @TempDir
    Path dir;

    @Test
    void nanInACalibrationBatchNamesTheFirstSiteAndTheBatch() throws Exception {
        TinyRun run = new TinyRun(dir, "stages: [ { calibrate: { batches: 2, batch: 4 } } ]");
        run.context.ensureWeights();
        // One NaN weight of layer 0's first FFN linear: every site before its output stays finite.
        run.context.weights().get("layer.0.ffn.fc1.weight").putScalar(0, Float.NaN);

        assertThatThrownBy(() -> new CalibrateStage().run(run.context, run.context.config().stages().get(0)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("calibration batch 1 of 2 has NaN or infinite values at site 'layer.0.ffn.hidden'");
    }
}
