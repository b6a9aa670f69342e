package org.inlier.shell;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;
import org.inlier.runtime.bus.Addresses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code inlier status [run-id]}: one run in full, or every queued and running run. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a run's state (queued, running with stage, step and ETA, done, failed, cancelled, interrupted), "
                + "or every queued and running run when no id is given.")
final class StatusCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "<run-id>", description = "the run (default: every active run)")
    String runId;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() {
        try (BusClient client = BusClient.withOwnRuntime(runtime, Cli.err())) {
            if (runId != null) {
                RunStatusView.details(client.request(Addresses.RUNS_STATUS, new JsonObject().put("runId", runId)), Cli.out());
                return ExitCodes.OK;
            }
            List<JsonObject> active = RunStatusView.runs(client.request(Addresses.RUNS_STATUS, new JsonObject()), true);
            active.forEach(status -> Cli.out().println(RunStatusView.line(status)));
            if (active.isEmpty()) {
                Cli.out().println("No run is queued or running; 'inlier runs' lists every run.");
            }
            return ExitCodes.OK;
        } catch (BusClient.BusFailure failure) {
            Cli.err().println(failure.getMessage());
            return ExitCodes.of(failure);
        }
    }
}
