package org.inlier.shell;

/** The CLI's exit codes, documented in the README. */
final class ExitCodes {

    /** Success. */
    static final int OK = 0;
    /** A run started but failed or was cancelled. */
    static final int RUN_FAILED = 1;
    /** The pipeline or the command line is invalid; nothing ran. */
    static final int INVALID = 2;

    private ExitCodes() {
    }
}
