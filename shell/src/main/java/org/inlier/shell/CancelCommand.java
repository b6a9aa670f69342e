package org.inlier.shell;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import org.inlier.runtime.bus.Addresses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code inlier cancel <run-id>}: stops a run at its next step boundary, keeping its last checkpoint. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a queued run, or stop a running one at its next step boundary with its last checkpoint intact "
                + "(resume it later with 'inlier run --resume <run-id>').")
final class CancelCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<run-id>", description = "the run to cancel")
    String runId;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() {
        try (BusClient client = BusClient.withOwnRuntime(runtime, Cli.err())) {
            RunStatusView.cancelled(client.request(Addresses.RUNS_CANCEL, new JsonObject().put("runId", runId)), Cli.out());
            return ExitCodes.OK;
        } catch (BusClient.BusFailure failure) {
            Cli.err().println(failure.getMessage());
            return ExitCodes.of(failure);
        }
    }
}
