package org.inlier.runtime.osgi;

import org.inlier.api.plugin.Plugin;
import org.inlier.runtime.plugins.PluginProblem;
import org.inlier.runtime.plugins.PluginRegistry;
import org.inlier.runtime.plugins.PluginSource;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.util.tracker.BundleTracker;

/**
 * The extender that makes plugin JARs work as bundles with no OSGi code of their own (the
 * pattern of Apache Aries SPI Fly): when a bundle becomes active, the classes its
 * {@code META-INF/services} files name are loaded with the bundle's class loader and registered
 * in the {@link PluginRegistry}; when it stops, they are removed. An entry that cannot be loaded
 * is recorded as a problem naming its file and class, and the scan goes on.
 */
public final class ServiceEntryExtender extends BundleTracker<PluginSource> {

    private final PluginRegistry registry;

    /**
     * @param context  the extender's bundle context
     * @param registry where the plugins of active bundles go
     */
    public ServiceEntryExtender(BundleContext context, PluginRegistry registry) {
        super(context, Bundle.ACTIVE, null);
        this.registry = registry;
    }

    /** Registers the plugins of a bundle that became active; bundles without plugin entries are not tracked. */
    @Override
    public PluginSource addingBundle(Bundle bundle, BundleEvent event) {
        if (bundle.getBundleId() == 0) {
            return null; // the system bundle is the launcher's class path, whose plugins are not bundles
        }
        PluginSource source = new PluginSource("bundle " + bundle.getSymbolicName() + " " + bundle.getVersion()
                + " (" + bundle.getLocation() + ")");
        ServiceEntries found = ServiceEntries.of(bundle, source);
        if (found.entries().isEmpty() && found.problems().isEmpty()) {
            return null;
        }
        found.problems().forEach(registry::report);
        for (ServiceEntry entry : found.entries()) {
            try {
                Plugin plugin = entry.instantiate(bundle);
                registry.add(plugin, source);
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                registry.report(new PluginProblem(source, "cannot load " + entry.kind().label() + " plugin " + entry, e));
            }
        }
        return source;
    }

    /** Removes the plugins (and the problems) of a bundle that stopped. */
    @Override
    public void removedBundle(Bundle bundle, BundleEvent event, PluginSource source) {
        registry.removeAll(source);
    }
}
