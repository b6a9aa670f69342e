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

    /** @param stages the known stages by name */
    public PipelineRunner(Map<String, Stage> stages) {
        this.stages = stages;
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
        for (StageConfig config : run.config().stages()) {
            if (run.isCancelled()) {
                return false;
            }
            Stage stage = stages.get(config.name());
            run.events().emit("stage.started", Map.of("stage", config.name()));
            long began = System.nanoTime();
            try {
                stage.run(run, config);
            } finally {
                run.report().write(run.dir());
            }
            Map<String, Object> finished = new LinkedHashMap<>();
            finished.put("stage", config.name());
            finished.put("seconds", (System.nanoTime() - began) / 1e9);
            run.events().emit("stage.finished", finished);
        }
        return !run.isCancelled();
    }
}
