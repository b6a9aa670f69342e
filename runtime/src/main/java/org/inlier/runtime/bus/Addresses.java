package org.inlier.runtime.bus;

/**
 * The event-bus addresses of Inlier; the shell, the CLI and remote clients use only these.
 *
 * <ul>
 *   <li>{@value #PIPELINE_VALIDATE}: request {@code {file}} or {@code {text, name}}; replies with the resolved pipeline.</li>
 *   <li>{@value #PIPELINE_RUN}: request like validate plus optional {@code runId}; replies {@code {runId, dir}} as
 *       soon as the run is accepted, then publishes its events on {@link #runEvents(String)}.</li>
 *   <li>{@value #PLUGINS_LIST}: replies {@code {plugins: [...], problems: [...]}}.</li>
 * </ul>
 * Failures are replied with a {@link Failure} code and a JSON body.
 */
public final class Addresses {

    public static final String PIPELINE_VALIDATE = "inlier.pipeline.validate";
    public static final String PIPELINE_RUN = "inlier.pipeline.run";
    public static final String PLUGINS_LIST = "inlier.plugins.list";

    private Addresses() {
    }

    /** Where a run publishes progress, logs, stage results and its final {@code run.finished} event. */
    public static String runEvents(String runId) {
        return "inlier.run." + runId + ".events";
    }
}
