package org.inlier.shell;

import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.Locale;

/** Renders a run's events as console lines: progress with loss, tokens/s and ETA; logs and warnings; stage boundaries. */
public final class ProgressPrinter {

    private final PrintStream out;

    /** @param out where the lines go */
    public ProgressPrinter(PrintStream out) {
        this.out = out;
    }

    /** Prints one event of a run; events without a console form (run.started, run.finished) print nothing. */
    public void print(JsonObject event) {
        JsonObject data = event.getJsonObject("data", new JsonObject());
        switch (event.getString("type")) {
            case "progress" -> progress(data);
            case "log" -> out.println("  " + data.getString("message"));
            case "warning" -> out.println("  warning: " + data.getString("message"));
            case "stage.started" -> out.println("» " + data.getString("stage"));
            case "stage.finished" -> out.printf(Locale.ROOT, "  %s done in %.1f s%n", data.getString("stage"), data.getDouble("seconds"));
            default -> {
            }
        }
    }

    private void progress(JsonObject p) {
        if (!p.containsKey("loss")) {
            if (p.getInteger("step").equals(p.getInteger("steps"))) {
                out.printf(Locale.ROOT, "  %s: %d/%d%n", p.getString("stage"), p.getInteger("step"), p.getInteger("steps"));
            }
            return;
        }
        // %.5g: a language model's loss reads 2.4537, a distillation loss 2.1120e-05 rather than 0.0000.
        String objective = p.containsKey("objective") ? String.format(Locale.ROOT, "  objective %.5g", p.getDouble("objective")) : "";
        out.printf(Locale.ROOT, "  %s step %d/%d  loss %.5g%s  lr %.2e  %,.0f tokens/s  ETA %s%n", p.getString("stage"),
                p.getInteger("step"), p.getInteger("steps"), p.getDouble("loss"), objective, p.getDouble("lr"),
                p.getDouble("tokens_per_s"), duration(p.getDouble("eta_s")));
    }

    /** A duration as a person reads it: {@code 42s}, {@code 3m05s}, {@code 27h04m}. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
