package org.inlier.shell;

import java.util.concurrent.Callable;
import org.inlier.runtime.bus.InlierRuntime;
import org.inlier.runtime.bus.RemoteAccess;
import org.inlier.shell.felix.FelixShell;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code inlier shell}: the interactive Gogo shell over an OSGi framework holding the runtime and the plugins as bundles. */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = {"Start the Gogo shell: an OSGi framework (Felix) with the runtime and every plugin as a bundle.",
                "'help' lists the commands; Inlier's are inlier:plugins, validate, run, resume, status, cancel, report, runs.",
                "Plugin bundles installed and started while it runs ('start file:my-plugin.jar') can be used at once;"
                        + " 'stop' or 'uninstall' removes their plugins. It ends at 'exit' or at the end of piped input."})
final class ShellCommand implements Callable<Integer> {

    @Option(names = "--queue", paramLabel = "<n>", defaultValue = "" + InlierRuntime.DEFAULT_QUEUE_CAPACITY,
            description = "how many runs may wait while one runs; more are refused as busy (default: ${DEFAULT-VALUE})")
    int queue;

    @Option(names = "--remote-port", paramLabel = "<port>",
            description = "also open remote access to this shell's runtime on this port (the TCP event-bus bridge, as"
                    + " 'inlier serve' does; token from $INLIER_REMOTE_TOKEN or <runs>/remote.token)")
    Integer remotePort;

    @Option(names = "--remote-host", paramLabel = "<address>", defaultValue = RemoteAccess.LOOPBACK,
            description = "interface remote access listens on (default: ${DEFAULT-VALUE}, this machine only)")
    String remoteHost;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() {
        RemoteAccess remote = null;
        if (remotePort != null) {
            RemoteToken token = RemoteToken.resolve(runtime.runs);
            remote = new RemoteAccess(remoteHost, remotePort, token.token());
            Cli.err().println("remote access on " + remoteHost + ":" + remotePort + "; token: " + token.whereTo());
        }
        return FelixShell.run(runtime.runs, runtime.cache, runtime.plugins, queue, remote, Cli.err());
    }
}
