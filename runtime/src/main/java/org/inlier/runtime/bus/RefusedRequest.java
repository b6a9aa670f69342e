package org.inlier.runtime.bus;

/** A request the runtime refuses, with the typed failure its reply carries. */
final class RefusedRequest extends RuntimeException {

    private final Failure failure;

    RefusedRequest(Failure failure, String message) {
        super(message);
        this.failure = failure;
    }

    Failure failure() {
        return failure;
    }
}
