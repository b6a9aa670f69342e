package org.inlier.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {

    @Test
    void warningsReachTheConsoleMarkedAsSuch() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8)).print(new JsonObject().put("type", "warning")
                .put("data", new JsonObject().put("message", "placement pattern 'layer.9.*' (include of profile 'p') matches no site of the model")));
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("  warning: placement pattern 'layer.9.*' (include of profile 'p') matches no site of the model" + System.lineSeparator());
    }

    @Test
    void aTrainingStepShowsSmallLossesAndTheObjectiveWithSignificantDigits() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ProgressPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8)).print(new JsonObject().put("type", "progress")
                .put("data", new JsonObject().put("stage", "train").put("step", 11).put("steps", 30).put("loss", 2.1119e-5)
                        .put("objective", 0.060109).put("lr", 4.29e-5).put("tokens_per_s", 64.2).put("eta_s", 304.0)));
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(
                "  train step 11/30  loss 2.1119e-05  objective 0.060109  lr 4.29e-05  64 tokens/s  ETA 5m04s" + System.lineSeparator());
    }
}
