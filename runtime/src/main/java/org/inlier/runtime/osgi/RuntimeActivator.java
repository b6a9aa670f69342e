package org.inlier.runtime.osgi;

import java.nio.file.Path;
import org.inlier.runtime.bus.InlierRuntime;
import org.inlier.runtime.bus.RemoteAccess;
import org.inlier.runtime.plugins.PluginRegistry;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Starts Inlier inside an OSGi framework: a runtime whose plugins come and go with the bundles
 * that carry them ({@link ServiceEntryExtender}), registered as an {@link InlierRuntime} service
 * for the shell's commands. Where it keeps runs and data comes from framework properties.
 */
public final class RuntimeActivator implements BundleActivator {

    /** Framework property: the run store's folder (default {@code runs}). */
    public static final String RUNS = "inlier.runs";
    /** Framework property: the data cache's folder (default {@code ~/.cache/inlier}). */
    public static final String CACHE = "inlier.cache";
    /** Framework property: how many runs may wait while one runs (default {@value InlierRuntime#DEFAULT_QUEUE_CAPACITY}). */
    public static final String QUEUE_CAPACITY = "inlier.queue.capacity";

    /** Framework property: open remote access on this port (none when unset); see {@link RemoteAccess}. */
    public static final String REMOTE_PORT = "inlier.remote.port";
    /** Framework property: the interface remote access listens on (default loopback). */
    public static final String REMOTE_HOST = "inlier.remote.host";
    /** Framework property: the token remote clients must send (required with {@link #REMOTE_PORT}). */
    public static final String REMOTE_TOKEN = "inlier.remote.token";

    private ServiceEntryExtender extender;
    private InlierRuntime runtime;
    private ServiceRegistration<InlierRuntime> registration;

    @Override
    public void start(BundleContext context) {
        PluginRegistry registry = new PluginRegistry();
        extender = new ServiceEntryExtender(context, registry);
        extender.open();
        runtime = InlierRuntime.start(registry, Path.of(property(context, RUNS, "runs")),
                Path.of(property(context, CACHE, System.getProperty("user.home") + "/.cache/inlier")),
                Integer.parseInt(property(context, QUEUE_CAPACITY, String.valueOf(InlierRuntime.DEFAULT_QUEUE_CAPACITY))));
        String remotePort = context.getProperty(REMOTE_PORT);
        if (remotePort != null) {
            try {
                runtime.openRemoteAccess(new RemoteAccess(property(context, REMOTE_HOST, RemoteAccess.LOOPBACK),
                        Integer.parseInt(remotePort), context.getProperty(REMOTE_TOKEN)));
            } catch (RuntimeException e) {
                runtime.close();
                extender.close();
                throw e;
            }
        }
        registration = context.registerService(InlierRuntime.class, runtime, null);
    }

    /** Unregisters the runtime, lets a running run stop at its next step boundary, and forgets the plugins. */
    @Override
    public void stop(BundleContext context) {
        registration.unregister();
        runtime.close();
        extender.close();
    }

    private static String property(BundleContext context, String key, String fallback) {
        String value = context.getProperty(key);
        return value == null ? fallback : value;
    }
}
