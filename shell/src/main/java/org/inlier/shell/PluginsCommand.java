package org.inlier.shell;

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
        try (BusClient client = BusClient.withOwnRuntime(runtime, Cli.err())) {
            PluginListing.print(client.request(Addresses.PLUGINS_LIST, new JsonObject()), Cli.out());
            return ExitCodes.OK;
        } catch (BusClient.BusFailure failure) {
            Cli.err().println(failure.getMessage());
            return ExitCodes.of(failure);
        }
    }
}
