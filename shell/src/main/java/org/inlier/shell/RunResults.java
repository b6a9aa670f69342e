package org.inlier.shell;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.inlier.runtime.report.Tables;

/** Prints how a run ended: its quality table, its outlier summary and where its report is. */
public final class RunResults {

    private RunResults() {
    }

    /**
     * Prints a {@code run.finished} event's results.
     *
     * @param finished the event's data: {@code status}, {@code dir}, {@code sections}, and {@code message} on failure
     * @param runId    the run
     * @param out      where the results go
     * @param err      where a failure's message goes
     * @return whether the run is done (not failed, not cancelled)
     */
    public static boolean print(JsonObject finished, String runId, PrintStream out, PrintStream err) {
        JsonObject sections = finished.getJsonObject("sections", new JsonObject());
        JsonArray quality = sections.getJsonArray("quality");
        if (quality != null) {
            out.println();
            List<Map<String, Object>> rows = quality.stream().map(row -> ((JsonObject) row).getMap()).toList();
            out.print(Tables.text(rows));
        }
        JsonObject outliers = sections.getJsonObject("outliers");
        if (outliers != null) {
            out.println();
            out.println("max inf-norm " + Tables.format(outliers.getDouble("max_inf_norm")) + ", avg kurtosis "
                    + Tables.format(outliers.getDouble("avg_kurtosis")) + " (" + outliers.getString("over") + ")");
        }
        String status = finished.getString("status");
        out.println("Run " + runId + " " + status + "; report: " + Path.of(finished.getString("dir")).resolve("report.md"));
        if (!"done".equals(status)) {
            err.println("error: " + finished.getString("message", "run " + status));
            return false;
        }
        return true;
    }
}
