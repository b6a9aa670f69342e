package org.inlier.shell;

import java.nio.file.Path;
import org.inlier.runtime.plugins.PluginDiscovery;
import org.inlier.runtime.plugins.PluginProblem;
import org.inlier.runtime.plugins.PluginRegistry;
import picocli.CommandLine.Option;

/** Where the runtime keeps things; shared by every command. */
final class RuntimeOptions {

    @Option(names = "--runs", description = "run store folder (default: ${DEFAULT-VALUE})", defaultValue = "runs")
    Path runs;

    @Option(names = "--plugins", description = "folder of third-party plugin JARs (default: ${DEFAULT-VALUE})",
            defaultValue = "${env:INLIER_PLUGINS:-plugins}")
    Path plugins;

    @Option(names = "--cache", description = "data cache folder (default: ${DEFAULT-VALUE})",
            defaultValue = "${env:INLIER_CACHE:-${sys:user.home}/.cache/inlier}")
    Path cache;

    /**
     * The plugins of the class path and of the plugins folder, for commands that run in this
     * process; a plugin that failed to load is reported on standard error and skipped.
     */
    PluginRegistry registry() {
        PluginRegistry registry = PluginDiscovery.discover(plugins);
        for (PluginProblem problem : registry.problems()) {
            Cli.err().println("warning: plugin skipped: " + problem);
        }
        return registry;
    }
}
