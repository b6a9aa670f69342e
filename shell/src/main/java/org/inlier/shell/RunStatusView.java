package org.inlier.shell;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.inlier.runtime.bus.RunState;

/** Renders {@value org.inlier.runtime.bus.Addresses#RUNS_STATUS} replies: a line per run, or one run in full. */
public final class RunStatusView {

    private RunStatusView() {
    }

    /** One line: id, state, and where the run is (its place in the queue, its stage and step with ETA, or its failure). */
    public static String line(JsonObject status) {
        return String.format(Locale.ROOT, "%-44s %-11s %s", status.getString("runId"), status.getString("state"), where(status)).stripTrailing();
    }

    /**
     * Prints one run: its line, its folder, and the hint how to go on with it.
     *
     * @param status the run's status
     * @param out    where it goes
     */
    public static void details(JsonObject status, PrintStream out) {
        out.println(line(status));
        out.println("  folder: " + status.getString("dir"));
        switch (status.getString("state")) {
            case "queued", "running" -> out.println("  stop it with: cancel " + status.getString("runId"));
            case "cancelled", "interrupted" -> out.println("  resume it with: run --resume " + status.getString("runId"));
            default -> {
            }
        }
    }

    /**
     * The statuses of a reply to a request for every run.
     *
     * @param reply      the {@code {runs: [...]}} reply
     * @param activeOnly keep only queued and running runs
     */
    public static List<JsonObject> runs(JsonObject reply, boolean activeOnly) {
        return reply.getJsonArray("runs").stream().map(JsonObject.class::cast)
                .filter(s -> !activeOnly || RunState.of(s.getString("state")).isActive()).toList();
    }

    /**
     * Prints what a cancel request did.
     *
     * @param reply the run's status after the request
     * @param out   where it goes
     */
    public static void cancelled(JsonObject reply, PrintStream out) {
        String runId = reply.getString("runId");
        if (reply.getBoolean("cancelling", false)) {
            out.println("Run " + runId + " stops at its next step boundary; its last checkpoint is kept. Resume it with: run --resume " + runId);
        } else if ("cancelled".equals(reply.getString("state"))) {
            out.println("Run " + runId + " is cancelled.");
        } else {
            out.println("Run " + runId + " already finished: " + reply.getString("state") + "; nothing to cancel.");
        }
    }

    private static String where(JsonObject status) {
        if (status.containsKey("position")) {
            return "position " + status.getInteger("position") + " in the queue";
        }
        if (status.containsKey("message")) {
            return status.getString("message");
        }
        JsonObject p = status.getJsonObject("progress");
        if (p != null && p.containsKey("step")) {
            String eta = "running".equals(status.getString("state")) && p.containsKey("eta_s")
                    ? ", ETA " + ProgressPrinter.duration(p.getDouble("eta_s")) : "";
            return p.getString("stage", status.getString("stage", "")) + " step " + p.getInteger("step") + "/" + p.getInteger("steps") + eta;
        }
        return status.getString("stage", "");
    }
}
