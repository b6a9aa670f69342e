package org.inlier.runtime.bus;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.inlier.runtime.config.ConfigProblem;
import org.inlier.runtime.config.PipelineConfig;
import org.inlier.runtime.config.PipelineException;
import org.inlier.runtime.config.PipelineValidator;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.stages.PipelineRunner;
import org.inlier.runtime.stages.RunContext;
import org.inlier.runtime.stages.Stage;
import org.inlier.runtime.store.RunStore;

/**
 * Validates and runs pipelines on request. Runs execute one at a time on a worker thread, never
 * on the event loop; the request is answered as soon as the run is accepted.
 */
final class PipelineVerticle extends VerticleBase {

    /** A run may take hours; Vert.x must not report its worker as blocked. */
    private static final long MAX_RUN_HOURS = 24 * 7;

    private final PluginRegistry registry;
    private final Map<String, Stage> stages;
    private final RunStore store;
    private final Path cacheDir;
    private WorkerExecutor runs;

    PipelineVerticle(PluginRegistry registry, Map<String, Stage> stages, RunStore store, Path cacheDir) {
        this.registry = registry;
        this.stages = stages;
        this.store = store;
        this.cacheDir = cacheDir;
    }

    @Override
    public Future<?> start() {
        runs = vertx.createSharedWorkerExecutor("inlier-runs", 1, MAX_RUN_HOURS, TimeUnit.HOURS);
        vertx.eventBus().<JsonObject>consumer(Addresses.PIPELINE_VALIDATE, this::validate);
        vertx.eventBus().<JsonObject>consumer(Addresses.PIPELINE_RUN, this::run);
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        return runs.close();
    }

    private void validate(Message<JsonObject> message) {
        vertx.executeBlocking(() -> bind(message.body())).onComplete(result -> {
            if (result.succeeded()) {
                PipelineConfig config = result.result();
                message.reply(new JsonObject().put("name", config.name()).put("resolved", new JsonObject(config.resolved())));
            } else {
                fail(message, result.cause());
            }
        });
    }

    private void run(Message<JsonObject> message) {
        vertx.executeBlocking(() -> {
            PipelineConfig config = bind(message.body());
            String runId = message.body().getString("runId", store.newRunId(config.name()));
            Path dir = store.create(runId);
            return new RunContext(runId, dir, cacheDir, config, registry, null);
        }).onComplete(accepted -> {
            if (accepted.failed()) {
                fail(message, accepted.cause());
                return;
            }
            RunContext prepared = accepted.result();
            message.reply(new JsonObject().put("runId", prepared.runId()).put("dir", prepared.dir().toString()));
            runs.executeBlocking(() -> execute(prepared), true);
        });
    }

    private Void execute(RunContext prepared) throws Exception {
        try (BusRunEvents events = new BusRunEvents(vertx.eventBus(), prepared.runId(), prepared.dir().resolve("events.jsonl"))) {
            RunContext run = new RunContext(prepared.runId(), prepared.dir(), cacheDir, prepared.config(), registry, events);
            try {
                boolean completed = new PipelineRunner(stages).run(run);
                events.emit("run.finished", Map.of("status", completed ? "done" : "cancelled", "dir", run.dir().toString(),
                        "sections", run.report().sections()));
            } catch (Exception | Error e) {
                events.emit("run.finished", Map.of("status", "failed", "dir", run.dir().toString(),
                        "message", e.getMessage() == null ? e.toString() : e.getMessage(), "sections", run.report().sections()));
            }
        }
        return null;
    }

    private PipelineConfig bind(JsonObject body) {
        PipelineRequest request = PipelineRequest.of(body);
        return PipelineValidator.validate(request.tree(), request.displayName(), request.defaultName(), registry, stages);
    }

    private static void fail(Message<JsonObject> message, Throwable cause) {
        if (cause instanceof PipelineException invalid) {
            JsonArray problems = new JsonArray();
            for (ConfigProblem p : invalid.problems()) {
                problems.add(new JsonObject().put("path", p.path()).put("message", p.message()));
            }
            message.fail(Failure.VALIDATION.code(), Failure.VALIDATION.body(invalid.getMessage())
                    .put("file", invalid.file()).put("problems", problems).encode());
        } else {
            message.fail(Failure.BAD_REQUEST.code(), Failure.BAD_REQUEST.body(String.valueOf(cause.getMessage())).encode());
        }
    }
}
