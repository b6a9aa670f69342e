package org.inlier.runtime.bus;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.inlier.runtime.config.PipelineConfig;
import org.inlier.runtime.config.PipelineLoader;
import org.inlier.runtime.config.PipelineValidator;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.stages.PipelineRunner;
import org.inlier.runtime.stages.Stage;
import org.inlier.runtime.store.RunStore;

/**
 * Validates pipelines and runs them. A run request is answered as soon as the run is queued;
 * runs then execute one at a time on a worker thread, never on the event loop, which sends each
 * stage to its {@link StageVerticle} and waits for it. Once a second it
 * looks for cancel requests that other processes left in the folders of its active runs.
 */
final class PipelineVerticle extends VerticleBase {

    /** A run may take hours; Vert.x must not report its worker as blocked. */
    private static final long MAX_RUN_HOURS = 24 * 7;
    private static final long CANCEL_POLL_MS = 1000;

    private final PluginRegistry registry;
    private final Map<String, Stage> stages;
    private final RunStore store;
    private final Path cacheDir;
    private final RunQueue queue;
    private final StoredRuns stored;
    private WorkerExecutor runs;
    private Future<Void> current = Future.succeededFuture();

    PipelineVerticle(PluginRegistry registry, Map<String, Stage> stages, RunStore store, Path cacheDir, RunQueue queue) {
        this.stored = new StoredRuns(store);
        this.registry = registry;
        this.stages = stages;
        this.store = store;
        this.cacheDir = cacheDir;
        this.queue = queue;
    }

    @Override
    public Future<?> start() {
        runs = vertx.createSharedWorkerExecutor("inlier-runs", 1, MAX_RUN_HOURS, TimeUnit.HOURS);
        vertx.setPeriodic(CANCEL_POLL_MS, id -> pollCancelRequests());
        return Future.all(
                vertx.eventBus().<JsonObject>consumer(Addresses.PIPELINE_VALIDATE, this::validate).completion(),
                vertx.eventBus().<JsonObject>consumer(Addresses.PIPELINE_RUN, this::run).completion());
    }

    /** Cancels every active run and waits for the running one to stop, so its folder is left consistent. */
    @Override
    public Future<?> stop() {
        queue.activeRuns().forEach(run -> queue.cancel(run.id()));
        return current.eventually(() -> runs.close());
    }

    private void validate(Message<JsonObject> message) {
        // Validation only reads: requests need not wait for each other.
        vertx.executeBlocking(() -> bind(message.body()), false).onComplete(result -> {
            if (result.succeeded()) {
                PipelineConfig config = result.result();
                message.reply(new JsonObject().put("name", config.name()).put("resolved", new JsonObject(config.resolved())));
            } else {
                FailureReplies.fail(message, result.cause());
            }
        });
    }

    private void run(Message<JsonObject> message) {
        if (!queue.reserve()) {
            FailureReplies.fail(message, new RefusedRequest(Failure.BUSY,
                    "busy: " + queue.capacity() + " runs are already waiting; submit again when one has finished"));
            return;
        }
        vertx.executeBlocking(() -> prepare(message.body()), false).onComplete(prepared -> {
            if (prepared.failed()) {
                queue.release();
                FailureReplies.fail(message, prepared.cause());
                return;
            }
            TrackedRun run = prepared.result();
            queue.enqueue(run);
            message.reply(new JsonObject().put("runId", run.id()).put("dir", run.dir().toString()));
            drain();
        });
    }

    private TrackedRun prepare(JsonObject body) throws IOException {
        if (body != null && body.getBoolean("resume", false)) {
            return prepareResume(body.getString("runId"));
        }
        PipelineConfig config = bind(body);
        String runId = body.getString("runId", store.newRunId(config.name()));
        Path dir = store.create(runId);
        RunLock lock = RunLock.tryAcquire(dir).orElseThrow(() -> active(runId));
        return new TrackedRun(runId, dir, cacheDir, config, registry, vertx.eventBus(), lock, false);
    }

    private TrackedRun prepareResume(String runId) throws IOException {
        if (runId == null) {
            throw new IllegalArgumentException("a resume request needs the 'runId' of a stored run");
        }
        Path dir = stored.dir(runId);
        RunLock lock = RunLock.tryAcquire(dir).orElseThrow(() -> active(runId));
        try {
            Path pipeline = dir.resolve(PipelineRunner.PIPELINE_FILE);
            PipelineConfig config = PipelineValidator.validate(PipelineLoader.read(pipeline), pipeline.toString(), runId, registry, stages);
            Files.deleteIfExists(dir.resolve(StoredRuns.CANCEL_REQUEST));
            return new TrackedRun(runId, dir, cacheDir, config, registry, vertx.eventBus(), lock, true);
        } catch (RuntimeException | IOException e) {
            lock.close();
            throw e;
        }
    }

    private static RefusedRequest active(String runId) {
        return new RefusedRequest(Failure.BUSY, "busy: run '" + runId + "' is queued or running; cancel it or wait for it to finish");
    }

    /** Starts the next queued run if none is running; called on the event loop only. */
    private void drain() {
        TrackedRun next = queue.startNext();
        if (next == null) {
            return;
        }
        Promise<Void> finished = Promise.promise();
        current = finished.future();
        runs.<Void>executeBlocking(() -> execute(next), false).onComplete(done -> {
            queue.finished(next);
            finished.complete();
            drain();
        });
    }

    private Void execute(TrackedRun run) {
        run.start();
        try {
            boolean completed = new PipelineRunner(stages, new BusStageExecutor(vertx.eventBus())).run(run.context());
            run.finish(completed ? RunState.DONE : RunState.CANCELLED, null);
        } catch (Exception | Error e) {
            run.finish(RunState.FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
        }
        return null;
    }

    private void pollCancelRequests() {
        for (TrackedRun run : queue.activeRuns()) {
            String request = run.dir().resolve(StoredRuns.CANCEL_REQUEST).toString();
            vertx.fileSystem().exists(request).onSuccess(asked -> {
                if (asked) {
                    vertx.fileSystem().delete(request).onComplete(deleted -> queue.cancel(run.id()));
                }
            });
        }
    }

    private PipelineConfig bind(JsonObject body) {
        PipelineRequest request = PipelineRequest.of(body);
        return PipelineValidator.validate(request.tree(), request.displayName(), request.defaultName(), registry, stages);
    }
}
