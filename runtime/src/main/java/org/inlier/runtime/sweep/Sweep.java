package org.inlier.runtime.sweep;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.inlier.runtime.config.PipelineLoader;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.report.Comparison;
import org.inlier.runtime.stages.PipelineRunner;
import org.inlier.runtime.stages.RunContext;
import org.inlier.runtime.stages.RunEvents;
import org.inlier.runtime.stages.Stage;
import org.inlier.runtime.store.AtomicFiles;

/**
 * Runs a sweep's points one after another with {@link PipelineRunner}, each in its own run
 * folder {@code <sweep>/points/<point>/}: the first point of each shared training trains, the
 * others start from its checkpoint. After every point the sweep's report is rewritten and its
 * progress recorded, so running the same sweep folder again skips the finished points.
 */
public final class Sweep {

    /** The sweep file as given, kept in the sweep's folder so the sweep can be resumed from its id alone. */
    public static final String SOURCE = "sweep.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final PluginRegistry registry;
    private final Map<String, Stage> stages;
    private final Path cacheDir;

    /**
     * @param registry the loaded plugins
     * @param stages   the known stages by name
     * @param cacheDir where data sets keep downloads
     */
    public Sweep(PluginRegistry registry, Map<String, Stage> stages, Path cacheDir) {
        this.registry = registry;
        this.stages = stages;
        this.cacheDir = cacheDir;
    }

    /**
     * How a sweep ended.
     *
     * @param done       points finished, in this call or an earlier one
     * @param failed     points that failed (a later call runs them again)
     * @param skipped    points finished by an earlier call
     * @param comparison the comparison table of the finished points
     * @param report     the sweep's report.md
     */
    public record Outcome(int done, int failed, int skipped, Comparison comparison, Path report) {
    }

    /** The folder of a point's run. */
    public static Path pointDir(Path sweepDir, SweepPoint point) {
        return sweepDir.resolve("points").resolve(point.id());
    }

    /** Reads the sweep file kept in a sweep's folder, to resume it. */
    public static JsonNode source(Path sweepDir) {
        return PipelineLoader.read(sweepDir.resolve(SOURCE));
    }

    /**
     * Runs every point not finished yet.
     *
     * @param plan   the sweep
     * @param dir    the sweep's folder (new, or of an earlier call to resume)
     * @param events where each point's events go; also receives {@code sweep.point} events
     *               ({@code point}, {@code settings}, {@code status}: started, skipped, done or failed)
     */
    public Outcome run(SweepPlan plan, Path dir, Function<SweepPoint, RunEvents> events) throws JsonProcessingException {
        if (!Files.exists(dir.resolve(SOURCE))) {
            AtomicFiles.write(dir.resolve(SOURCE), YAML.writeValueAsBytes(plan.source()));
        }
        SweepProgress progress = SweepProgress.load(dir);
        int skipped = 0;
        for (List<SweepPoint> group : plan.trainings()) {
            SweepPoint trainer = group.get(0);
            for (SweepPoint point : group) {
                RunEvents out = events.apply(point);
                if (progress.isDone(point.id())) {
                    announce(out, point, "skipped", trainer);
                    skipped++;
                    continue;
                }
                announce(out, point, "started", trainer);
                runPoint(plan, dir, point, trainer, out, progress);
                announce(out, point, progress.isDone(point.id()) ? "done" : "failed", trainer);
            }
        }
        SweepReport report = new SweepReport(dir, plan, progress);
        report.write();
        int done = (int) plan.points().stream().filter(p -> progress.isDone(p.id())).count();
        return new Outcome(done, plan.points().size() - done, skipped, report.comparison(), dir.resolve("report.md"));
    }

    private void runPoint(SweepPlan plan, Path dir, SweepPoint point, SweepPoint trainer, RunEvents events, SweepProgress progress) {
        Path pointDir = pointDir(dir, point);
        try {
            Files.createDirectories(pointDir);
            RunContext run = new RunContext(point.id(), pointDir, cacheDir, point.config(), registry, events);
            if (point != trainer) {
                if (!progress.isDone(trainer.id())) {
                    throw new IllegalStateException("its training, in point " + trainer.id() + ", did not finish");
                }
                SharedTraining.reuse(pointDir(dir, trainer), run);
            }
            if (new PipelineRunner(stages).run(run)) {
                progress.done(point.id(), trainer.id());
            } else {
                progress.failed(point.id(), trainer.id(), "cancelled");
            }
        } catch (Exception | Error e) {
            // One failing point (a diverged training, say) must not lose the others' results.
            progress.failed(point.id(), trainer.id(), e.getMessage() == null ? e.toString() : e.getMessage());
        }
        new SweepReport(dir, plan, progress).write();
    }

    private static void announce(RunEvents events, SweepPoint point, String status, SweepPoint trainer) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("point", point.id());
        data.put("settings", point.describe());
        data.put("status", status);
        data.put("trained_in", trainer.id());
        events.emit("sweep.point", data);
    }
}
