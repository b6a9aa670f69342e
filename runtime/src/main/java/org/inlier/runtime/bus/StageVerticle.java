package org.inlier.runtime.bus;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.inlier.runtime.config.StageConfig;
import org.inlier.runtime.stages.PipelineRunner;
import org.inlier.runtime.stages.RunContext;

/**
 * One pipeline stage on the bus, at {@link Addresses#stage(String) inlier.stage.&lt;name&gt;}: runs that
 * stage of the run this runtime is executing, on a worker thread of its own, and replies when it
 * has finished.
 *
 * <p>A request is {@code {runId, index}}: the run (which must be the one executing here) and the
 * position of the stage in its pipeline. The reply is {@code {runId, stage, index, seconds}}, or a
 * typed {@link Failure}: {@link Failure#STAGE_FAILED} with {@code stage}, {@code index} and the
 * {@code cause} (exception type) and {@code message}; {@link Failure#CANCELLED} when the run was
 * cancelled before or while the stage ran (it stopped at a step boundary, checkpoint intact);
 * {@link Failure#UNKNOWN_RUN} when no such run is executing; {@link Failure#BAD_REQUEST} for a
 * malformed request or an index whose stage is not this one.
 */
final class StageVerticle extends VerticleBase {

    /** A stage may take days; Vert.x must not report its worker as blocked. */
    static final long MAX_STAGE_HOURS = 24 * 7;

    private final String name;
    private final PipelineRunner runner;
    private final Function<String, Optional<RunContext>> executing;
    private final Map<String, RunContext> inFlight = new ConcurrentHashMap<>();
    private WorkerExecutor worker;
    private Future<Void> current = Future.succeededFuture();

    /**
     * @param name      the stage's name in pipeline files
     * @param runner    runs one stage of a run ({@link PipelineRunner#runStage})
     * @param executing the run this runtime is executing, by id; empty for any other id
     */
    StageVerticle(String name, PipelineRunner runner, Function<String, Optional<RunContext>> executing) {
        this.name = name;
        this.runner = runner;
        this.executing = executing;
    }

    @Override
    public Future<?> start() {
        worker = vertx.createSharedWorkerExecutor("inlier-stage-" + name, 1, MAX_STAGE_HOURS, TimeUnit.HOURS);
        return vertx.eventBus().<JsonObject>consumer(Addresses.stage(name), this::handle).completion();
    }

    /** Asks the run whose stage is executing to stop at its next step boundary, and waits until it has. */
    @Override
    public Future<?> stop() {
        inFlight.values().forEach(RunContext::cancel);
        return current.eventually(() -> worker.close());
    }

    private void handle(Message<JsonObject> message) {
        JsonObject body = message.body() == null ? new JsonObject() : message.body();
        String runId = body.getString("runId");
        Integer index = body.getValue("index") instanceof Number n ? n.intValue() : null;
        if (runId == null || index == null) {
            fail(message, Failure.BAD_REQUEST, "a stage request needs the 'runId' of the executing run and the stage's 'index'", body);
            return;
        }
        Optional<RunContext> found = executing.apply(runId);
        if (found.isEmpty()) {
            fail(message, Failure.UNKNOWN_RUN, "no run '" + runId + "' is executing in this runtime", body);
            return;
        }
        RunContext run = found.get();
        List<StageConfig> stages = run.config().stages();
        if (index < 0 || index >= stages.size() || !stages.get(index).name().equals(name)) {
            String actual = index < 0 || index >= stages.size() ? "the pipeline has " + stages.size() + " stages"
                    : "stage " + index + " is '" + stages.get(index).name() + "'";
            fail(message, Failure.BAD_REQUEST, "run '" + runId + "': " + actual + "; this address runs '" + name + "' stages", body);
            return;
        }
        if (run.isCancelled()) {
            fail(message, Failure.CANCELLED, "run '" + runId + "' was cancelled before its " + name + " stage", body.copy().put("stage", name));
            return;
        }
        Promise<Void> done = Promise.promise();
        current = done.future();
        inFlight.put(runId, run);
        worker.<Double>executeBlocking(() -> runner.runStage(run, index), false).onComplete(result -> {
            inFlight.remove(runId);
            done.complete();
            JsonObject reply = new JsonObject().put("runId", runId).put("stage", name).put("index", index);
            if (result.failed()) {
                Throwable cause = result.cause();
                fail(message, Failure.STAGE_FAILED, cause.getMessage() == null ? cause.toString() : cause.getMessage(),
                        reply.put("cause", cause.getClass().getName()));
            } else if (run.isCancelled()) {
                fail(message, Failure.CANCELLED, "run '" + runId + "' was cancelled during its " + name + " stage",
                        reply.put("seconds", result.result()));
            } else {
                message.reply(reply.put("seconds", result.result()));
            }
        });
    }

    private static void fail(Message<?> message, Failure failure, String text, JsonObject fields) {
        JsonObject body = failure.body(text);
        fields.forEach(field -> body.put(field.getKey(), field.getValue()));
        message.fail(failure.code(), body.encode());
    }
}
