package org.inlier.runtime.stages;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.inlier.runtime.config.PipelineConfig;
import org.inlier.runtime.config.PipelineLoader;
import org.inlier.runtime.config.PipelineValidator;
import org.inlier.runtime.model.Checkpoint;
import org.inlier.runtime.plugins.PluginDiscovery;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.report.Sections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Resuming is exact: a run cancelled after a checkpoint and resumed from it ends with the same
 * parameters and optimiser state as the same run trained without a break.
 */
class TrainResumeTest {

    private static final PluginRegistry PLUGINS = PluginDiscovery.discover(null);
    private static final int STEPS = 6;
    private static final int CANCEL_AFTER = 4;

    @TempDir
    Path dir;

    @Test
    void aCancelledAndResumedRunEndsWhereAnUninterruptedRunEnds() throws Exception {
        PipelineConfig config = config(corpus());
        RunContext straightRun = train(config, dir.resolve("straight"), Integer.MAX_VALUE);
        Map<String, Map<String, INDArray>> straight = checkpoint(straightRun);

        Path broken = dir.resolve("broken");
        Map<String, Map<String, INDArray>> cancelled = checkpoint(train(config, broken, CANCEL_AFTER));
        assertThat(((Number) Checkpoint.load(broken.resolve(TrainStage.CHECKPOINT)).state().get("step")).intValue()).isEqualTo(CANCEL_AFTER);
        assertThat(maxDifference(cancelled.get("params"), straight.get("params"))).isGreaterThan(0); // it really stopped early
        RunContext resumedRun = train(config, broken, Integer.MAX_VALUE);
        Map<String, Map<String, INDArray>> resumed = checkpoint(resumedRun);

        for (String part : new String[] {"params", "adam.m", "adam.v"}) {
            assertThat(maxDifference(resumed.get(part), straight.get(part))).as(part).isLessThan(1e-6);
        }
        // The resumed run's report has the rows written before the checkpoint too: the same steps as the uninterrupted run's.
        for (String section : TrainStage.TRAINING_SECTIONS) {
            assertThat(steps(resumedRun, section)).as(section).isEqualTo(steps(straightRun, section)).isNotEmpty();
        }
    }

    private static List<Object> steps(RunContext run, String section) {
        return new Sections(run.report().sections()).rows(section).stream().map(row -> row.get("step")).toList();
    }

    private static Map<String, Map<String, INDArray>> checkpoint(RunContext run) {
        return Checkpoint.load(run.dir().resolve(TrainStage.CHECKPOINT)).arrays();
    }

    /** Trains in {@code runDir}, cancelling once progress reports step {@code cancelAfter}. */
    private RunContext train(PipelineConfig config, Path runDir, int cancelAfter) throws Exception {
        Files.createDirectories(runDir);
        RunContext[] run = new RunContext[1];
        RunEvents events = (type, data) -> {
            if (type.equals("progress") && ((Number) data.get("step")).intValue() >= cancelAfter) {
                run[0].cancel();
            }
        };
        run[0] = new RunContext("resume-test", runDir, dir.resolve("cache"), config, PLUGINS, events);
        new PipelineRunner(StageCatalog.builtIn()).run(run[0]);
        return run[0];
    }

    private static double maxDifference(Map<String, INDArray> a, Map<String, INDArray> b) {
        assertThat(a.keySet()).isEqualTo(b.keySet());
        return a.keySet().stream().mapToDouble(k -> a.get(k).sub(b.get(k)).amaxNumber().doubleValue()).max().orElseThrow();
    }

    private PipelineConfig config(Path corpus) {
        String text = """
                name: resume
                seed: 5
                model: { family: decoder-clm, layers: 1, hidden: 16, heads: 2, ffn: 32, seq: 8 }
                data: { set: text-file, path: "%s" }
                backend: { id: nd4j-cpu, threads: 1 }
                stages:
                  - train: { steps: %d, batch: 4, lr: 1.0e-2, warmup: 1, checkpoint_every: 2, log_every: 1, metrics_every: 2 }
                """.formatted(corpus.toAbsolutePath(), STEPS);
        return PipelineValidator.validate(PipelineLoader.parse(text, "resume.yaml", "resume.yaml"), "resume.yaml", "resume",
                PLUGINS, StageCatalog.builtIn());
    }

    private Path corpus() throws Exception {
        Random random = new Random(2);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            text.append(random.nextBoolean() ? "the cat sees a dog.\n" : "a bird finds the river.\n");
        }
        return Files.writeString(dir.resolve("corpus.txt"), text);
    }
}
