package org.inlier.runtime.bus;

import java.util.Locale;

/** Where a run is in its life, as {@value Addresses#RUNS_STATUS} reports it. */
public enum RunState {
    /** Accepted and waiting for the run before it to finish. */
    QUEUED,
    /** Executing its stages now. */
    RUNNING,
    /** Every stage ran. */
    DONE,
    /** A stage failed; the status carries its message. */
    FAILED,
    /** Stopped on request at a step boundary; its last checkpoint is intact and resumable. */
    CANCELLED,
    /** Its process ended without finishing it (killed, crashed); resumable from its last checkpoint. */
    INTERRUPTED;

    /** The name used on the bus and in {@code run.finished} events: {@code queued}, {@code running}, .... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the run is still to finish (queued or running). */
    public boolean isActive() {
        return this == QUEUED || this == RUNNING;
    }

    /** The state with this label. */
    public static RunState of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
