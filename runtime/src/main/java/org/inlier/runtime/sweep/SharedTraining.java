package org.inlier.runtime.sweep;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inlier.runtime.config.PipelineConfig;
import org.inlier.runtime.config.StageConfig;
import org.inlier.runtime.report.Sections;
import org.inlier.runtime.stages.RunContext;
import org.inlier.runtime.stages.TrainStage;
import org.inlier.runtime.store.AtomicFiles;

/**
 * Trains once for every sweep point whose training is identical: one trained checkpoint, many
 * quantization settings. Two points share their training when their pipelines agree on
 * everything but the name and the stages after the last train stage.
 *
 * <p>A point reusing a training starts with a copy of the trainer's checkpoint in its own run
 * folder; the train stage resumes from it at its last step, so it does no work.
 */
final class SharedTraining {

    private SharedTraining() {
    }

    /** What determines a point's trained checkpoint, or {@code null} for a pipeline that does not train. */
    static Object key(PipelineConfig config) {
        int lastTrain = -1;
        List<StageConfig> stages = config.stages();
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).name().equals("train")) {
                lastTrain = i;
            }
        }
        if (lastTrain < 0) {
            return null;
        }
        Map<String, Object> key = new LinkedHashMap<>(config.resolved());
        key.remove("name");
        key.put("stages", ((List<?>) config.resolved().get("stages")).subList(0, lastTrain + 1));
        return key;
    }

    /** The points grouped by identical training, in the plan's order; the first of each group trains. */
    static List<List<SweepPoint>> groups(List<SweepPoint> points) {
        Map<Object, List<SweepPoint>> groups = new LinkedHashMap<>();
        for (SweepPoint point : points) {
            Object key = key(point.config());
            groups.computeIfAbsent(key == null ? point.id() : key, k -> new ArrayList<>()).add(point);
        }
        return new ArrayList<>(groups.values());
    }

    /**
     * Prepares a point's run to reuse the training of another point of the sweep: copies the
     * trainer's checkpoint into the run's folder (its train stage resumes from it, bringing the
     * trainer's training curve and outliers into the report) and records where it came from.
     *
     * @param trainerDir the folder of the point that trained
     * @param run        the reusing point's run, before it starts
     */
    static void reuse(Path trainerDir, RunContext run) {
        Path checkpoint = trainerDir.resolve(TrainStage.CHECKPOINT);
        if (!Files.exists(checkpoint)) {
            throw new IllegalStateException("point " + trainerDir.getFileName() + " finished without a checkpoint at " + checkpoint);
        }
        AtomicFiles.write(run.dir().resolve(TrainStage.CHECKPOINT), out -> Files.copy(checkpoint, out));
        run.report().values(Sections.SHARED_TRAINING, Map.of("trained_in", trainerDir.getFileName().toString(),
                "checkpoint", trainerDir.getFileName() + "/" + TrainStage.CHECKPOINT));
        run.events().log("train: reusing the checkpoint trained by point " + trainerDir.getFileName());
    }
}
