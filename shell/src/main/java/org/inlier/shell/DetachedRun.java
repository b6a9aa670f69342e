package org.inlier.shell;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.inlier.runtime.bus.Addresses;
import org.inlier.runtime.bus.Failure;
import org.inlier.runtime.bus.RunState;

/**
 * {@code inlier run --detach}: the same run in a background process, which outlives this one.
 * The request is checked here first, so an invalid pipeline or an unknown run fails with its
 * message at once; then this process waits until the background one has taken the run and
 * returns. Status and cancel requests reach the run through its folder.
 */
final class DetachedRun {

    private static final long POLL_MS = 250;

    private final BusClient client;
    private final RuntimeOptions runtime;

    DetachedRun(BusClient client, RuntimeOptions runtime) {
        this.client = client;
        this.runtime = runtime;
    }

    /**
     * Starts the background run.
     *
     * @param file   the pipeline ({@code null}: the quickstart), unless resuming
     * @param resume whether to resume the stored run {@code runId}
     * @param runId  the run's id
     * @return the exit code
     * @throws BusClient.BusFailure if the request is invalid or the run to resume is active
     */
    int start(Path file, boolean resume, String runId) {
        if (resume) {
            RunState state = RunState.of(client.request(Addresses.RUNS_STATUS, new JsonObject().put("runId", runId)).getString("state"));
            if (state.isActive()) {
                throw new BusClient.BusFailure(Failure.BUSY.body("busy: run '" + runId + "' is " + state.label()
                        + "; cancel it or wait for it to finish"));
            }
        } else {
            client.request(Addresses.PIPELINE_VALIDATE, PipelineArgument.request(file));
        }
        Process process = launch(command(file, resume, runId));
        while (process.isAlive()) {
            if (taken(runId, resume)) {
                Cli.out().println("Run " + runId + " started in the background (process " + process.pid() + ").");
                Cli.out().println("  follow it: inlier status " + runId);
                Cli.out().println("  stop it:   inlier cancel " + runId);
                return ExitCodes.OK;
            }
            pause();
        }
        if (process.exitValue() != 0) {
            Cli.err().println("error: the background run " + runId + " exited with code " + process.exitValue()
                    + " before it started; run it without --detach to see why");
            return ExitCodes.RUN_FAILED;
        }
        Cli.out().println(RunStatusView.line(client.request(Addresses.RUNS_STATUS, new JsonObject().put("runId", runId))));
        return ExitCodes.OK;
    }

    /** Whether the background process has the run: a new run's folder exists, a resumed run is active again. */
    private boolean taken(String runId, boolean resume) {
        try {
            JsonObject status = client.request(Addresses.RUNS_STATUS, new JsonObject().put("runId", runId));
            return !resume || RunState.of(status.getString("state")).isActive();
        } catch (BusClient.BusFailure notYet) {
            return false;
        }
    }

    private List<String> command(Path file, boolean resume, String runId) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Heap size and system properties (headless, logging) as this JVM got them.
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(arg -> arg.startsWith("-X") || arg.startsWith("-D")).forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Cli.class.getName(), "run"));
        if (resume) {
            command.addAll(List.of("--resume", runId));
        } else {
            if (file != null) {
                command.add(file.toAbsolutePath().toString());
            }
            command.addAll(List.of("--run-id", runId));
        }
        command.addAll(List.of("--runs", runtime.runs.toAbsolutePath().toString(), "--plugins", runtime.plugins.toAbsolutePath().toString(),
                "--cache", runtime.cache.toAbsolutePath().toString()));
        return command;
    }

    private static Process launch(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            process.getOutputStream().close();
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the background run", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the background run to start", e);
        }
    }
}
