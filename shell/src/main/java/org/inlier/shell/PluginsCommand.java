package org.inlier.shell;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import org.inlier.runtime.bus.Addresses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code inlier plugins}: every plugin and stage with its kind, id, version, description and options. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List every plugin and stage with kind, id, version, description and options.")
final class PluginsCommand implements Callable<Integer> {

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() {
        try (BusClient client = new BusClient(runtime, Cli.err())) {
            JsonObject reply = client.request(Addresses.PLUGINS_LIST, new JsonObject());
            print(reply.getJsonArray("plugins"));
            print(reply.getJsonArray("stages"));
            return ExitCodes.OK;
        }
    }

    private static void print(JsonArray entries) {
        for (Object o : entries) {
            JsonObject p = (JsonObject) o;
            Cli.out().printf("%-20s %-22s %-16s %s%n", p.getString("kind"), p.getString("id"), p.getString("version"), p.getString("description"));
            for (Object opt : p.getJsonArray("options")) {
                JsonObject option = (JsonObject) opt;
                Cli.out().printf("    %-24s %-8s default %-12s %s — %s%n", option.getString("name"), option.getString("type"),
                        option.getString("default") == null ? "(none)" : option.getString("default"), option.getString("allowed"),
                        option.getString("description"));
            }
        }
    }
}
