package org.inlier.shell;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.inlier.runtime.bus.InlierRuntime;
import org.inlier.runtime.bus.RemoteAccess;
import org.inlier.runtime.plugins.PluginDiscovery;
import org.inlier.runtime.plugins.PluginProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code inlier serve}: a runtime that remote clients drive through the TCP event-bus bridge, until the process is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the runtime for remote clients: the Vert.x TCP event-bus bridge on loopback by default.",
                "Every frame must carry the token in headers.token: $INLIER_REMOTE_TOKEN, or a random one written to"
                        + " <runs>/remote.token. Only inlier.pipeline.validate/run, inlier.runs.status/cancel and"
                        + " inlier.plugins.list accept requests; clients may register for inlier.run.<id>.events.",
                "Stops at Ctrl-C or SIGTERM, cancelling queued runs and stopping the running one at a step boundary."})
final class ServeCommand implements Callable<Integer> {

    /** The port unless told otherwise. */
    static final int DEFAULT_PORT = 7441;

    @Option(names = "--port", paramLabel = "<port>", defaultValue = "" + DEFAULT_PORT,
            description = "TCP port of the bridge; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", paramLabel = "<address>", defaultValue = RemoteAccess.LOOPBACK,
            description = "interface to listen on (default: ${DEFAULT-VALUE}, this machine only); another address"
                    + " exposes the runtime to that network, still behind the token")
    String host;

    @Option(names = "--queue", paramLabel = "<n>", defaultValue = "" + InlierRuntime.DEFAULT_QUEUE_CAPACITY,
            description = "how many runs may wait while one runs; more are refused as busy (default: ${DEFAULT-VALUE})")
    int queue;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = Cli.out();
        RemoteToken token = RemoteToken.resolve(runtime.runs);
        InlierRuntime served = InlierRuntime.start(PluginDiscovery.discover(runtime.plugins), runtime.runs, runtime.cache, queue);
        for (PluginProblem problem : served.registry().problems()) {
            Cli.err().println("warning: plugin skipped: " + problem);
        }
        int bound = served.openRemoteAccess(new RemoteAccess(host, port, token.token()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            served.close();
            stopped.countDown();
        }, "inlier-serve-shutdown"));
        out.println("Inlier listens for remote clients on " + host + ":" + bound + " (TCP event-bus bridge); token: " + token.whereTo());
        stopped.await();
        return ExitCodes.OK;
    }
}
