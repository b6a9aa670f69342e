package org.inlier.shell;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.inlier.runtime.config.PipelineException;
import org.inlier.runtime.config.PipelineLoader;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.report.Tables;
import org.inlier.runtime.stages.RunEvents;
import org.inlier.runtime.stages.Stage;
import org.inlier.runtime.stages.StageCatalog;
import org.inlier.runtime.store.RunStore;
import org.inlier.runtime.sweep.Sweep;
import org.inlier.runtime.sweep.SweepPlan;
import org.inlier.runtime.sweep.SweepPoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code inlier sweep <file>}: runs a pipeline's {@code sweep} grid in this process, one point
 * after another, training once per shared training, and prints the comparison table.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run a sweep: a grid of pipelines, compared in one table.",
                "A pipeline file's 'sweep' block (e.g. attention.variant: [vanilla, clipped-softmax], quantize.activations.bits: [8, 4],",
                "repeats: 3) expands into runs in runs/<sweep-id>/points/; points whose training is identical train once.",
                "Ends with the comparison table; the report is runs/<sweep-id>/report.md."})
final class SweepCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "sweep file (.yaml, .yml or .json)")
    Path file;

    @Option(names = "--resume", paramLabel = "SWEEP-ID", description = "continue a sweep of the run store; its finished points are skipped")
    String resume;

    @Option(names = "--dry-run", description = "check the sweep and print its points and shared trainings; run nothing")
    boolean dryRun;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() throws JsonProcessingException {
        if ((file == null) == (resume == null)) {
            Cli.err().println("give a sweep file or --resume <sweep-id> (not both)");
            return ExitCodes.INVALID;
        }
        PluginRegistry registry = runtime.registry();
        Map<String, Stage> stages = StageCatalog.builtIn();
        RunStore store = new RunStore(runtime.runs);
        Path dir;
        SweepPlan plan;
        try {
            dir = resume == null ? null : store.dir(resume);
            Path source = dir == null ? file : dir.resolve(Sweep.SOURCE);
            JsonNode root = dir == null ? PipelineLoader.read(file) : Sweep.source(dir);
            plan = SweepPlan.of(root, source.toString(), source.getFileName().toString().replaceAll("\\.(ya?ml|json)$", ""), registry, stages);
        } catch (PipelineException | IllegalArgumentException e) {
            Cli.err().println(e.getMessage());
            return ExitCodes.INVALID;
        }
        if (dryRun) {
            printPlan(plan);
            return ExitCodes.OK;
        }
        if (dir == null) {
            dir = store.create(store.newRunId(plan.name() + "-sweep"));
        }
        Cli.out().println("Sweep " + dir.getFileName() + ": " + plan.points().size() + " points, " + plan.trainingCount() + " trainings");
        ProgressPrinter printer = new ProgressPrinter(Cli.out());
        Sweep.Outcome outcome = new Sweep(registry, stages, runtime.cache).run(plan, dir, point -> events(point, printer));
        Cli.out().println();
        Cli.out().print(Tables.text(outcome.comparison().marked(cell -> cell + " *")));
        Cli.out().println("* best (lowest) in its column");
        Cli.out().println("Sweep " + dir.getFileName() + ": " + outcome.done() + " of " + plan.points().size() + " points done ("
                + outcome.skipped() + " from before), " + outcome.failed() + " failed; report: " + outcome.report());
        return outcome.failed() == 0 ? ExitCodes.OK : ExitCodes.RUN_FAILED;
    }

    /** A point's events on the console: its start and end, then its run's progress as 'inlier run' shows it. */
    private static RunEvents events(SweepPoint point, ProgressPrinter printer) {
        return (type, data) -> {
            if (type.equals("sweep.point")) {
                Cli.out().println("■ point " + point.id() + " (" + point.describe() + "): " + data.get("status"));
            } else {
                printer.print(new JsonObject().put("type", type).put("data", new JsonObject(data)));
            }
        };
    }

    private static void printPlan(SweepPlan plan) {
        Cli.out().println("Sweep of pipeline '" + plan.name() + "': " + plan.points().size() + " points, " + plan.trainingCount()
                + " trainings");
        for (List<SweepPoint> training : plan.trainings()) {
            for (SweepPoint point : training) {
                Cli.out().println("  " + point.id() + "  " + point.describe() + "  "
                        + (point.config().stage("train").isEmpty() ? "no training"
                        : point == training.get(0) ? "trains" : "reuses the training of " + training.get(0).id()));
            }
        }
    }
}
