package org.inlier.runtime.bus;

/**
 * The event-bus addresses of Inlier; the shell, the CLI and remote clients use only these.
 *
 * <ul>
 *   <li>{@value #PIPELINE_VALIDATE}: request {@code {file}} or {@code {text, name}}; replies with the resolved pipeline.</li>
 *   <li>{@value #PIPELINE_RUN}: request like validate plus optional {@code runId}, or {@code {runId, resume: true}}
 *       to run a stored run's {@code pipeline.yaml} again in its folder (training resumes from its last checkpoint);
 *       replies {@code {runId, dir}} as soon as the run is queued, then publishes its events on
 *       {@link #runEvents(String)}. Runs execute one at a time; when the queue is full the reply is {@link Failure#BUSY}.</li>
 *   <li>{@value #RUNS_STATUS}: request {@code {runId}} replies that run's status; {@code {}} replies
 *       {@code {runs: [...]}} with every run of the store. A status has {@code runId}, {@code state}
 *       ({@link RunState#label()}), {@code dir}, and where known {@code stage}, {@code progress} (the latest
 *       progress event: step, steps, eta_s, ...), {@code position} in the queue and the failure {@code message}.</li>
 *   <li>{@value #RUNS_CANCEL}: request {@code {runId}}; a queued run is cancelled at once, a running one stops at
 *       its next step boundary with its last checkpoint intact; replies the run's status ({@code cancelling: true}
 *       while it stops). A run owned by another process is asked through its folder.</li>
 *   <li>{@value #PLUGINS_LIST}: replies {@code {plugins: [...], problems: [...]}}.</li>
 *   <li>{@code inlier.stage.<name>} ({@link #stage(String)}): one stage of the executing run, {@code {runId, index}};
 *       replies {@code {runId, stage, index, seconds}} when it has run, or {@link Failure#STAGE_FAILED} (with the
 *       {@code stage} and the {@code cause}), {@link Failure#CANCELLED}, {@link Failure#UNKNOWN_RUN} or
 *       {@link Failure#BAD_REQUEST}.</li>
 * </ul>
 * Failures are replied with a {@link Failure} code and a JSON body.
 */
public final class Addresses {

    public static final String PIPELINE_VALIDATE = "inlier.pipeline.validate";
    public static final String PIPELINE_RUN = "inlier.pipeline.run";
    public static final String RUNS_STATUS = "inlier.runs.status";
    public static final String RUNS_CANCEL = "inlier.runs.cancel";
    public static final String PLUGINS_LIST = "inlier.plugins.list";
    /** The common start of the stage addresses, {@link #stage(String)}. */
    public static final String STAGE_PREFIX = "inlier.stage.";

    private Addresses() {
    }

    /**
     * Where the stage of this name ({@code train}, {@code calibrate}, {@code quantize}, {@code evaluate})
     * runs: {@code inlier.stage.<name>}. The runtime's pipeline runner sends {@code {runId, index}} there
     * for each stage of the run it executes; see {@link StageVerticle} for the reply and its failures.
     * These addresses act on the executing run only and are not offered to remote clients.
     */
    public static String stage(String name) {
        return STAGE_PREFIX + name;
    }

    /** Where a run publishes {@code run.started}, progress, logs, stage results and its final {@code run.finished} event. */
    public static String runEvents(String runId) {
        return "inlier.run." + runId + ".events";
    }
}
