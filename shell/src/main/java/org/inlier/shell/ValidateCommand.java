package org.inlier.shell;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.inlier.runtime.bus.Addresses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code inlier validate <pipeline.yaml>}: checks a pipeline against the plugins without running it. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a pipeline file without running it; prints every problem at once.")
final class ValidateCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "pipeline file (.yaml, .yml or .json)")
    Path file;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() {
        try (BusClient client = BusClient.withOwnRuntime(runtime, Cli.err())) {
            JsonObject reply = client.request(Addresses.PIPELINE_VALIDATE, PipelineArgument.request(file));
            Cli.out().println(file + " is valid: pipeline '" + reply.getString("name") + "'");
            Cli.out().println(reply.getJsonObject("resolved").encodePrettily());
            return ExitCodes.OK;
        } catch (BusClient.BusFailure failure) {
            Cli.err().println(failure.getMessage());
            return ExitCodes.of(failure);
        }
    }
}
