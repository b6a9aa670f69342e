package org.inlier.shell;

/** The CLI's exit codes, documented in the README. */
final class ExitCodes {

    /** Success. */
    static final int OK = 0;
    /** A run started but failed or was cancelled. */
    static final int RUN_FAILED = 1;
    /** The pipeline, the command line or the run id is invalid; nothing ran. */
    static final int INVALID = 2;
    /** The runtime is busy (its queue is full, or the run to resume is still active); nothing ran, try again later. */
    static final int BUSY = 3;

    private ExitCodes() {
    }

    /** The exit code for a request the runtime refused. */
    static int of(BusClient.BusFailure refused) {
        return "busy".equals(refused.type()) ? BUSY : INVALID;
    }
}
