package org.inlier.shell;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.inlier.runtime.report.Tables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code inlier run [pipeline.yaml]}: runs a pipeline (the quickstart if none is given) and prints its results. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a pipeline file, or the embedded quickstart pipeline when no file is given.")
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", description = "pipeline file (.yaml, .yml or .json)")
    Path file;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() {
        Cli.out().println("Running " + PipelineArgument.displayName(file));
        String runId = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(LocalDateTime.now()) + "-"
                + (file == null ? "quickstart" : file.getFileName().toString().replaceAll("\\.(ya?ml|json)$", "").replaceAll("[^A-Za-z0-9_.-]", "_"));
        ProgressPrinter printer = new ProgressPrinter(Cli.out());
        try (BusClient client = new BusClient(runtime, Cli.err())) {
            JsonObject finished = client.run(PipelineArgument.request(file), runId, printer::print).getJsonObject("data");
            printResults(finished.getJsonObject("sections", new JsonObject()));
            Cli.out().println("Run " + runId + " " + finished.getString("status") + "; report: "
                    + Path.of(finished.getString("dir")).resolve("report.md"));
            if (!"done".equals(finished.getString("status"))) {
                Cli.err().println("error: " + finished.getString("message", "run " + finished.getString("status")));
                return ExitCodes.RUN_FAILED;
            }
            return ExitCodes.OK;
        } catch (BusClient.BusFailure failure) {
            Cli.err().println(failure.getMessage());
            return ExitCodes.INVALID;
        }
    }

    private static void printResults(JsonObject sections) {
        JsonArray quality = sections.getJsonArray("quality");
        if (quality != null) {
            Cli.out().println();
            List<Map<String, Object>> rows = quality.stream().map(row -> ((JsonObject) row).getMap()).toList();
            Cli.out().print(Tables.text(rows));
        }
        JsonObject outliers = sections.getJsonObject("outliers");
        if (outliers != null) {
            Cli.out().println();
            Cli.out().println("max inf-norm " + Tables.format(outliers.getDouble("max_inf_norm")) + ", avg kurtosis "
                    + Tables.format(outliers.getDouble("avg_kurtosis")) + " (" + outliers.getString("over") + ")");
        }
    }
}
