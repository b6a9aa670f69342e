package org.inlier.shell.gogo;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.inlier.runtime.bus.Addresses;
import org.inlier.runtime.bus.InlierRuntime;
import org.inlier.shell.BusClient;
import org.inlier.shell.PipelineArgument;
import org.inlier.shell.PluginListing;
import org.inlier.shell.ProgressPrinter;
import org.inlier.shell.RunIds;
import org.inlier.shell.RunResults;
import org.inlier.shell.RunStatusView;

/**
 * The {@code inlier:} commands of the Gogo shell. Like the CLI's commands they are thin clients
 * of the runtime's event bus and send the same requests; output goes to the shell session
 * (Gogo routes {@code System.out} of the command's thread there).
 */
public final class InlierCommands {

    /** The Gogo scope of the commands. */
    static final String SCOPE = "inlier";
    /** The commands, as Gogo's whiteboard property lists them. */
    static final String[] FUNCTIONS = {"plugins", "validate", "run", "resume", "status", "cancel", "report", "runs"};

    private final Supplier<InlierRuntime> runtime;

    /** @param runtime supplies the runtime service, or {@code null} while its bundle is not active */
    InlierCommands(Supplier<InlierRuntime> runtime) {
        this.runtime = runtime;
    }

    /** Lists the plugins and stages, then the plugin entries that could not be loaded. */
    @Descriptor("list every plugin and stage with kind, id, version and options, and the plugins that failed to load")
    public void plugins() {
        ask(bus -> {
            JsonObject reply = bus.request(Addresses.PLUGINS_LIST, new JsonObject());
            PluginListing.print(reply, System.out);
            reply.getJsonArray("problems").forEach(problem -> System.out.println("problem: " + problem));
        });
    }

    /** Checks a pipeline file against the plugins without running it. */
    @Descriptor("check a pipeline file without running it; prints every problem at once")
    public void validate(@Descriptor("pipeline file (.yaml, .yml or .json)") String file) {
        ask(bus -> {
            JsonObject reply = bus.request(Addresses.PIPELINE_VALIDATE, PipelineArgument.request(Path.of(file)));
            System.out.println(file + " is valid: pipeline '" + reply.getString("name") + "'");
        });
    }

    /**
     * Runs a pipeline file, printing its progress until it finishes, or returns once it is queued.
     *
     * @return the run's id ({@code id = inlier:run my.yaml} keeps it for {@code inlier:report $id}), or {@code null} if refused
     */
    @Descriptor("run a pipeline file, printing its progress until it finishes; returns the run's id")
    public String run(@Descriptor("return once the run is queued; follow it with inlier:status")
                      @Parameter(names = {"-d", "--detach"}, presentValue = "true", absentValue = "false") boolean detach,
                      @Descriptor("pipeline file (.yaml, .yml or .json)") String file) {
        // A queued run gets its id from the runtime, unique in the store however fast runs are submitted;
        // a followed run needs its id before it is submitted, to hear all its events.
        return submit(PipelineArgument.request(Path.of(file)), detach ? null : RunIds.fresh(Path.of(file)), detach);
    }

    /**
     * Runs a stored run's pipeline again in its folder; training continues from its last checkpoint.
     *
     * @return the run's id, or {@code null} if refused
     */
    @Descriptor("resume a cancelled or interrupted run from its last checkpoint, printing its progress until it finishes")
    public String resume(@Descriptor("return once the run is queued; follow it with inlier:status")
                         @Parameter(names = {"-d", "--detach"}, presentValue = "true", absentValue = "false") boolean detach,
                         @Descriptor("the run to resume") String runId) {
        return submit(new JsonObject().put("resume", true), runId, detach);
    }

    /** Shows every queued and running run. */
    @Descriptor("show every queued and running run")
    public void status() {
        ask(bus -> {
            List<JsonObject> active = RunStatusView.runs(bus.request(Addresses.RUNS_STATUS, new JsonObject()), true);
            active.forEach(s -> System.out.println(RunStatusView.line(s)));
            if (active.isEmpty()) {
                System.out.println("No run is queued or running; inlier:runs lists every run.");
            }
        });
    }

    /** Shows one run. */
    @Descriptor("show a run: queued, running with stage, step and ETA, done, failed, cancelled or interrupted")
    public void status(@Descriptor("the run") String runId) {
        ask(bus -> {
            RunStatusView.details(bus.request(Addresses.RUNS_STATUS, new JsonObject().put("runId", runId)), System.out);
        });
    }

    /** Cancels a queued run, or stops a running one at its next step boundary. */
    @Descriptor("cancel a queued run, or stop a running one at its next step boundary with its last checkpoint intact")
    public void cancel(@Descriptor("the run to cancel") String runId) {
        ask(bus -> {
            RunStatusView.cancelled(bus.request(Addresses.RUNS_CANCEL, new JsonObject().put("runId", runId)), System.out);
        });
    }

    /** Prints a run's Markdown report. */
    @Descriptor("print a run's report (report.md)")
    public void report(@Descriptor("the run") String runId) {
        ask(bus -> {
            JsonObject status = bus.request(Addresses.RUNS_STATUS, new JsonObject().put("runId", runId));
            Path report = Path.of(status.getString("dir")).resolve("report.md");
            try {
                System.out.print(Files.readString(report));
            } catch (IOException e) {
                System.err.println("error: run " + runId + " has no report yet (" + report + ")");
            }
        });
    }

    /** Lists every run of the store. */
    @Descriptor("list every run of the run store with its state, oldest first")
    public void runs() {
        ask(bus -> {
            RunStatusView.runs(bus.request(Addresses.RUNS_STATUS, new JsonObject()), false)
                    .forEach(s -> System.out.println(RunStatusView.line(s)));
        });
    }

    /** Submits a run and follows it, or returns once it is queued; {@code runId} may be left to the runtime only then. */
    private String submit(JsonObject request, String runId, boolean detach) {
        AtomicReference<String> accepted = new AtomicReference<>();
        ask(bus -> {
            if (detach) {
                JsonObject queued = bus.request(Addresses.PIPELINE_RUN, runId == null ? request : request.copy().put("runId", runId));
                accepted.set(queued.getString("runId"));
                System.out.println("Run " + accepted.get() + " queued; follow it with: inlier:status " + accepted.get());
            } else {
                JsonObject finished = bus.run(request, runId, new ProgressPrinter(System.out)::print).getJsonObject("data");
                RunResults.print(finished, runId, System.out, System.err);
                accepted.set(runId);
            }
        });
        return accepted.get();
    }

    /** Sends requests through the runtime service, printing a refusal (typed failure) as the CLI does. */
    private void ask(Consumer<BusClient> requests) {
        InlierRuntime current = runtime.get();
        if (current == null) {
            System.err.println("error: the Inlier runtime bundle (org.inlier.runtime) is not active");
            return;
        }
        try (BusClient bus = BusClient.of(current.vertx())) {
            requests.accept(bus);
        } catch (BusClient.BusFailure failure) {
            System.err.println(failure.getMessage());
        }
    }
}
