package org.inlier.runtime.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.inlier.runtime.plugins.PluginDiscovery;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.stages.PipelineRunner;
import org.inlier.runtime.stages.Stage;
import org.inlier.runtime.stages.StageCatalog;
import org.inlier.runtime.store.RunStore;

/**
 * The Inlier runtime in one process: starts Vert.x and deploys the verticles that answer on
 * {@link Addresses}. Clients (CLI, shell, tests) talk to it only over the bus.
 */
public final class InlierRuntime implements AutoCloseable {

    /** How many runs may wait while one runs, unless configured otherwise. */
    public static final int DEFAULT_QUEUE_CAPACITY = 16;

    private final Vertx vertx;
    private final PluginRegistry registry;
    private final String pipelineDeployment;

    private InlierRuntime(Vertx vertx, PluginRegistry registry, String pipelineDeployment) {
        this.vertx = vertx;
        this.registry = registry;
        this.pipelineDeployment = pipelineDeployment;
    }

    /**
     * Starts a runtime with the plugins of the class path and of a plugins folder.
     *
     * @param pluginsDir folder of third-party plugin JARs (may be missing)
     * @param runsDir    the run store's folder
     * @param cacheDir   where data sets keep downloads
     */
    public static InlierRuntime start(Path pluginsDir, Path runsDir, Path cacheDir) {
        return start(PluginDiscovery.discover(pluginsDir), runsDir, cacheDir, DEFAULT_QUEUE_CAPACITY);
    }

    /**
     * Starts a runtime over a registry that someone else fills (the OSGi extender adds and removes
     * plugins while the runtime runs).
     *
     * @param registry      the plugins pipelines may use
     * @param runsDir       the run store's folder
     * @param cacheDir      where data sets keep downloads
     * @param queueCapacity how many runs may wait while one runs; more are refused as busy
     */
    public static InlierRuntime start(PluginRegistry registry, Path runsDir, Path cacheDir, int queueCapacity) {
        Map<String, Stage> stages = StageCatalog.builtIn();
        RunStore store = new RunStore(runsDir);
        RunQueue queue = new RunQueue(queueCapacity);
        Vertx vertx = Vertx.vertx();
        PipelineRunner runner = new PipelineRunner(stages);
        List<Future<String>> deployments = new ArrayList<>();
        for (String stage : stages.keySet()) {
            deployments.add(vertx.deployVerticle(new StageVerticle(stage, runner, queue::executing)));
        }
        deployments.add(vertx.deployVerticle(new RunsVerticle(queue, new StoredRuns(store))));
        deployments.add(vertx.deployVerticle(new PluginsVerticle(registry, stages)));
        Future<String> pipeline = vertx.deployVerticle(new PipelineVerticle(registry, stages, store, cacheDir, queue));
        deployments.add(pipeline);
        Future.all(deployments).await();
        return new InlierRuntime(vertx, registry, pipeline.result());
    }

    /**
     * Opens remote access to this runtime through the TCP event-bus bridge; see {@link RemoteAccess}
     * for what it lets through. It closes with the runtime.
     *
     * @return the port it listens on (the chosen one when the access asked for port 0)
     */
    public int openRemoteAccess(RemoteAccess access) {
        return access.open(vertx).await().port();
    }

    /** The Vert.x instance whose event bus clients use. */
    public Vertx vertx() {
        return vertx;
    }

    /** The loaded plugins (for start-up messages; clients list them over the bus). */
    public PluginRegistry registry() {
        return registry;
    }

    /**
     * Cancels queued and running runs (the running one stops at its next step boundary), then stops.
     * The pipeline verticle goes first, while the stage verticles still answer it.
     */
    @Override
    public void close() {
        // Two steps: a callback chained after close() would need the event loops close() stops.
        vertx.undeploy(pipelineDeployment).await();
        vertx.close().await();
    }
}
