package org.inlier.api.data;

/** The data a pipeline needs cannot be obtained; the message says what is missing and how to fix it. */
public class DataUnavailableException extends RuntimeException {

    /** @param message what is missing and how to get it */
    public DataUnavailableException(String message) {
        super(message);
    }

    /**
     * @param message what is missing and how to get it
     * @param cause   the underlying failure
     */
    public DataUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
