package org.inlier.runtime.bus;

import io.vertx.core.json.JsonObject;
import io.vertx.core.eventbus.ReplyException;
import java.util.Arrays;

/**
 * The typed failures of Inlier's bus replies: the failure code says which, the message is a JSON
 * object with {@code type}, {@code message} and type-specific fields (e.g. {@code problems}).
 */
public enum Failure {
    /** The pipeline is invalid; the body lists every problem. */
    VALIDATION(400),
    /** No run has the given id. */
    UNKNOWN_RUN(404),
    /** A stage failed; the body has its message. */
    STAGE_FAILED(500),
    /** The run was cancelled. */
    CANCELLED(409),
    /** The request itself is malformed. */
    BAD_REQUEST(422),
    /** The run queue is full, or the run to resume is active; nothing was done, try again later. */
    BUSY(503);

    private final int code;

    Failure(int code) {
        this.code = code;
    }

    /** The failure code on the bus. */
    public int code() {
        return code;
    }

    /** The body of a failure of this type. */
    public JsonObject body(String message) {
        return new JsonObject().put("type", name().toLowerCase()).put("message", message);
    }

    /** Reads a failure reply back into its type and body; unknown codes (e.g. timeouts) become a body with the type {@code bus}. */
    public static JsonObject describe(Throwable failure) {
        if (failure instanceof ReplyException reply) {
            boolean ours = Arrays.stream(values()).anyMatch(f -> f.code == reply.failureCode());
            if (ours && reply.getMessage() != null && reply.getMessage().startsWith("{")) {
                return new JsonObject(reply.getMessage());
            }
            return new JsonObject().put("type", "bus").put("message", reply.failureType() + ": " + reply.getMessage());
        }
        return new JsonObject().put("type", "error").put("message", String.valueOf(failure.getMessage()));
    }
}
