package org.inlier.shell;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code inlier run [pipeline.yaml]}: runs a pipeline (the quickstart if none is given) and prints its results. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a pipeline file, or the embedded quickstart pipeline when no file is given.")
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", description = "pipeline file (.yaml, .yml or .json)")
    Path file;

    @Option(names = "--resume", paramLabel = "<run-id>",
            description = "run a stored run's pipeline.yaml again in its folder; training resumes from its last checkpoint")
    String resume;

    @Option(names = "--detach", description = "run in a background process and return at once; follow the run with 'inlier status <run-id>'")
    boolean detach;

    @Option(names = "--run-id", paramLabel = "<run-id>", description = "the new run's id (default: the time and the file name)")
    String runId;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() {
        if (resume != null && (file != null || runId != null)) {
            Cli.err().println("error: --resume runs the stored run's own pipeline; give no pipeline file and no --run-id with it");
            return ExitCodes.INVALID;
        }
        String id = resume != null ? resume : runId != null ? runId : RunIds.fresh(file);
        JsonObject request = resume != null ? new JsonObject().put("resume", true) : PipelineArgument.request(file);
        try (BusClient client = BusClient.withOwnRuntime(runtime, Cli.err())) {
            if (detach) {
                return new DetachedRun(client, runtime).start(file, resume != null, id);
            }
            Cli.out().println(resume != null ? "Resuming run " + resume : "Running " + PipelineArgument.displayName(file));
            JsonObject finished = client.run(request, id, new ProgressPrinter(Cli.out())::print).getJsonObject("data");
            return RunResults.print(finished, id, Cli.out(), Cli.err()) ? ExitCodes.OK : ExitCodes.RUN_FAILED;
        } catch (BusClient.BusFailure failure) {
            Cli.err().println(failure.getMessage());
            return ExitCodes.of(failure);
        }
    }
}
