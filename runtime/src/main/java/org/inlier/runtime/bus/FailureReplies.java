package org.inlier.runtime.bus;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.inlier.runtime.config.ConfigProblem;
import org.inlier.runtime.config.PipelineException;

/** Turns what went wrong while answering a request into the typed {@link Failure} reply clients render. */
final class FailureReplies {

    private FailureReplies() {
    }

    /** Replies with the failure matching the cause: validation problems, a refusal's own type, or a bad request. */
    static void fail(Message<?> message, Throwable cause) {
        if (cause instanceof PipelineException invalid) {
            JsonArray problems = new JsonArray();
            for (ConfigProblem p : invalid.problems()) {
                problems.add(new JsonObject().put("path", p.path()).put("message", p.message()));
            }
            message.fail(Failure.VALIDATION.code(), Failure.VALIDATION.body(invalid.getMessage())
                    .put("file", invalid.file()).put("problems", problems).encode());
        } else if (cause instanceof RefusedRequest refused) {
            message.fail(refused.failure().code(), refused.failure().body(refused.getMessage()).encode());
        } else {
            message.fail(Failure.BAD_REQUEST.code(), Failure.BAD_REQUEST.body(String.valueOf(cause.getMessage())).encode());
        }
    }
}
