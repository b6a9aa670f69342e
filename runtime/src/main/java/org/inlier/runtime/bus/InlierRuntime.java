package org.inlier.runtime.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import org.inlier.runtime.plugins.PluginDiscovery;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.stages.Stage;
import org.inlier.runtime.stages.StageCatalog;
import org.inlier.runtime.store.RunStore;

/**
 * The Inlier runtime in one process: discovers plugins, starts Vert.x and deploys the verticles
 * that answer on {@link Addresses}. Clients (CLI, shell, tests) talk to it only over the bus.
 */
public final class InlierRuntime implements AutoCloseable {

    private final Vertx vertx;
    private final PluginRegistry registry;

    private InlierRuntime(Vertx vertx, PluginRegistry registry) {
        this.vertx = vertx;
        this.registry = registry;
    }

    /**
     * Starts a runtime.
     *
     * @param pluginsDir folder of third-party plugin JARs (may be missing)
     * @param runsDir    the run store's folder
     * @param cacheDir   where data sets keep downloads
     */
    public static InlierRuntime start(Path pluginsDir, Path runsDir, Path cacheDir) {
        PluginRegistry registry = PluginDiscovery.discover(pluginsDir);
        Map<String, Stage> stages = StageCatalog.builtIn();
        Vertx vertx = Vertx.vertx();
        Future.all(
                vertx.deployVerticle(new PipelineVerticle(registry, stages, new RunStore(runsDir), cacheDir)),
                vertx.deployVerticle(new PluginsVerticle(registry, stages))
        ).await();
        return new InlierRuntime(vertx, registry);
    }

    /** The Vert.x instance whose event bus clients use. */
    public Vertx vertx() {
        return vertx;
    }

    /** The loaded plugins (for start-up messages; clients list them over the bus). */
    public PluginRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        vertx.close().await();
    }
}
