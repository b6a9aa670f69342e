package org.inlier.runtime.bus;

import io.vertx.core.json.JsonObject;

/**
 * A stage's failure as its verticle replied it ({@link Failure#STAGE_FAILED}): the message is the
 * stage's own, so a failed run reports the same text whether its stages ran on the bus or not.
 */
public final class StageFailedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String stage;
    private final String causeType;

    StageFailedException(JsonObject failure) {
        super(failure.getString("message"));
        this.stage = failure.getString("stage");
        this.causeType = failure.getString("cause");
    }

    /** The name of the stage that failed. */
    public String stage() {
        return stage;
    }

    /** The class name of the exception the stage threw. */
    public String causeType() {
        return causeType;
    }
}
