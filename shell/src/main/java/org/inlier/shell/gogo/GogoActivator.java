package org.inlier.shell.gogo;

import java.util.Dictionary;
import java.util.Hashtable;
import org.apache.felix.service.command.CommandProcessor;
import org.inlier.runtime.bus.InlierRuntime;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Registers the {@code inlier:} commands with Gogo's whiteboard: a service carrying the
 * command scope and function properties becomes shell commands, with no Gogo API beyond the
 * {@code @Descriptor} annotations. The commands find the runtime through its service.
 */
public final class GogoActivator implements BundleActivator {

    private ServiceTracker<InlierRuntime, InlierRuntime> runtime;
    private ServiceRegistration<InlierCommands> commands;

    @Override
    public void start(BundleContext context) {
        runtime = new ServiceTracker<>(context, InlierRuntime.class, null);
        runtime.open();
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(CommandProcessor.COMMAND_SCOPE, InlierCommands.SCOPE);
        properties.put(CommandProcessor.COMMAND_FUNCTION, InlierCommands.FUNCTIONS);
        commands = context.registerService(InlierCommands.class, new InlierCommands(runtime::getService), properties);
    }

    @Override
    public void stop(BundleContext context) {
        commands.unregister();
        runtime.close();
    }
}
