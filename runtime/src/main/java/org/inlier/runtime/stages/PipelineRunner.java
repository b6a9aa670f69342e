package org.inlier.runtime.stages;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.inlier.api.backend.HardwareBackend;
import org.inlier.api.plugin.PluginKind;
import org.inlier.runtime.config.StageConfig;
import org.inlier.runtime.store.AtomicFiles;

/**
 * Runs a pipeline's stages in order in one run folder: writes the resolved pipeline, activates
 * the backend, and after every stage rewrites the report, so a crash keeps what was done.
 */
public final class PipelineRunner {

    /** The resolved pipeline in a run's folder; resuming a run runs it again. */
    public static final String PIPELINE_FILE = "pipeline.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Map<String, Stage> stages;
    private final StageExecutor executor;

    /** Where the stages of a run execute: in the runner's own thread, or wherever a stage's verticle runs them. */
    @FunctionalInterface
    public interface StageExecutor {

        /**
         * Runs stage {@code index} of the run's pipeline through {@link PipelineRunner#runStage} and returns
         * when it has finished.
         *
         * @throws Exception the stage's failure
         */
        void execute(RunContext run, int index) throws Exception;
    }

    /** A runner that executes every stage in its own thread. @param stages the known stages by name */
    public PipelineRunner(Map<String, Stage> stages) {
        this.stages = stages;
        this.executor = this::runStage;
    }

    /**
     * A runner that hands each stage to an executor (the runtime sends it to the stage's verticle
     * on the event bus) and keeps only the order, the pipeline file and the backend to itself.
     *
     * @param stages   the known stages by name
     * @param executor runs one stage and returns when it has finished
     */
    public PipelineRunner(Map<String, Stage> stages, StageExecutor executor) {
        this.stages = stages;
        this.executor = executor;
    }

    /**
     * Runs every stage; stops early if the run is cancelled.
     *
     * @return {@code true} if every stage ran, {@code false} if cancelled
     * @throws Exception the first stage failure, after the report of the stages before it is written
     */
    public boolean run(RunContext run) throws Exception {
        AtomicFiles.write(run.dir().resolve(PIPELINE_FILE), YAML.writeValueAsBytes(run.config().resolved()));
        HardwareBackend backend = run.registry().require(PluginKind.HARDWARE_BACKEND, run.config().backend().id(), HardwareBackend.class);
        run.events().log("backend " + backend.activate(run.config().backend().options()));
        for (int index = 0; index < run.config().stages().size(); index++) {
            if (run.isCancelled()) {
                return false;
            }
            executor.execute(run, index);
        }
        return !run.isCancelled();
    }

    /**
     * Runs one stage of the run's pipeline: emits {@code stage.started}, runs it, rewrites the report
     * (also when the stage fails) and emits {@code stage.finished}.
     *
     * @param index the stage's position in the pipeline
     * @return the seconds the stage took
     * @throws IndexOutOfBoundsException if the pipeline has no stage {@code index}
     * @throws Exception                 the stage's failure
     */
    public double runStage(RunContext run, int index) throws Exception {
        StageConfig config = run.config().stages().get(index);
        Stage stage = stages.get(config.name());
        run.events().emit("stage.started", Map.of("stage", config.name()));
        long began = System.nanoTime();
        try {
            stage.run(run, config);
        } finally {
            run.report().write(run.dir());
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        Map<String, Object> finished = new LinkedHashMap<>();
        finished.put("stage", config.name());
        finished.put("seconds", seconds);
        run.events().emit("stage.finished", finished);
        return seconds;
    }
}
