package org.inlier.shell;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;

/** Prints a {@value org.inlier.runtime.bus.Addresses#PLUGINS_LIST} reply: every plugin and stage with its options. */
public final class PluginListing {

    private PluginListing() {
    }

    /**
     * Prints the plugins and the stages, one line each followed by their options.
     *
     * @param reply the runtime's reply
     * @param out   where the listing goes
     */
    public static void print(JsonObject reply, PrintStream out) {
        print(reply.getJsonArray("plugins"), out);
        print(reply.getJsonArray("stages"), out);
    }

    private static void print(JsonArray entries, PrintStream out) {
        for (Object o : entries) {
            JsonObject p = (JsonObject) o;
            out.printf("%-20s %-22s %-16s %s%n", p.getString("kind"), p.getString("id"), p.getString("version"), p.getString("description"));
            for (Object opt : p.getJsonArray("options")) {
                JsonObject option = (JsonObject) opt;
                out.printf("    %-24s %-8s default %-12s %s — %s%n", option.getString("name"), option.getString("type"),
                        option.getString("default") == null ? "(none)" : option.getString("default"), option.getString("allowed"),
                        option.getString("description"));
            }
        }
    }
}
