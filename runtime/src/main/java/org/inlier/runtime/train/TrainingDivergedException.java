package org.inlier.runtime.train;

/** The training loss became NaN or infinite; the last good checkpoint is kept. */
public final class TrainingDivergedException extends RuntimeException {

    /** @param message the step, the loss and where the last good checkpoint is */
    public TrainingDivergedException(String message) {
        super(message);
    }
}
