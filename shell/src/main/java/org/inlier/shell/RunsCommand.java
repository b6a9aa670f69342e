package org.inlier.shell;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;
import org.inlier.runtime.bus.Addresses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code inlier runs}: every run of the store, oldest first, with its state. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "List every run of the run store with its state, oldest first.")
final class RunsCommand implements Callable<Integer> {

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() {
        try (BusClient client = BusClient.withOwnRuntime(runtime, Cli.err())) {
            List<JsonObject> runs = RunStatusView.runs(client.request(Addresses.RUNS_STATUS, new JsonObject()), false);
            runs.forEach(status -> Cli.out().println(RunStatusView.line(status)));
            if (runs.isEmpty()) {
                Cli.out().println("No runs in " + runtime.runs.toAbsolutePath() + ".");
            }
            return ExitCodes.OK;
        } catch (BusClient.BusFailure failure) {
            Cli.err().println(failure.getMessage());
            return ExitCodes.of(failure);
        }
    }
}
