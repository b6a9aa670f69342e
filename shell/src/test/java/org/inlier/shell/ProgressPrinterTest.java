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
}
