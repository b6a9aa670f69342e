package org.inlier.runtime.stages;

import java.util.Map;

/** Where stages report progress, metrics and results (the event bus and the run's events.jsonl). */
@FunctionalInterface
public interface RunEvents {

    /**
     * Emits an event.
     *
     * @param type the event type, e.g. {@code progress}, {@code log}, {@code stage.finished}
     * @param data the event's fields (JSON-compatible values)
     */
    void emit(String type, Map<String, Object> data);

    /** Emits a one-line log message. */
    default void log(String message) {
        emit("log", Map.of("message", message));
    }

    /** Emits a warning: something the user likely did not mean, which does not stop the run. */
    default void warn(String message) {
        emit("warning", Map.of("message", message));
    }
}
