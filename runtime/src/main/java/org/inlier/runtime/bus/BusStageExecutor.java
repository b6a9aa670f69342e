package org.inlier.runtime.bus;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.inlier.runtime.stages.PipelineRunner;
import org.inlier.runtime.stages.RunContext;

/**
 * Runs each stage of a pipeline by sending it to its {@link StageVerticle} and waiting for the
 * reply. It blocks the calling thread, so it is used only on the runs' worker thread, never on an
 * event loop.
 */
final class BusStageExecutor implements PipelineRunner.StageExecutor {

    private static final DeliveryOptions UNTIL_DONE =
            new DeliveryOptions().setSendTimeout(TimeUnit.HOURS.toMillis(StageVerticle.MAX_STAGE_HOURS));

    private final EventBus bus;

    BusStageExecutor(EventBus bus) {
        this.bus = bus;
    }

    /**
     * Sends {@code {runId, index}} to the stage's address and waits until the stage has run.
     *
     * @throws StageFailedException  if the stage failed
     * @throws IllegalStateException if the bus could not deliver the request or the verticle refused it
     */
    @Override
    public void execute(RunContext run, int index) throws StageFailedException {
        String stage = run.config().stages().get(index).name();
        JsonObject request = new JsonObject().put("runId", run.runId()).put("index", index);
        try {
            bus.request(Addresses.stage(stage), request, UNTIL_DONE).toCompletionStage().toCompletableFuture().join();
        } catch (CompletionException e) {
            JsonObject failure = Failure.describe(e.getCause());
            String type = failure.getString("type");
            if (type.equals(Failure.STAGE_FAILED.name().toLowerCase())) {
                throw new StageFailedException(failure);
            }
            if (!type.equals(Failure.CANCELLED.name().toLowerCase())) {
                throw new IllegalStateException(stage + " stage: " + failure.getString("message"), e.getCause());
            }
            // Cancelled: the runner sees it on the run and stops there.
        }
    }
}
