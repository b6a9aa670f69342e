package org.inlier.runtime.bus;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import org.inlier.runtime.stages.RunEvents;

/**
 * Publishes a run's events on its bus address, appends each, as one JSON line, to
 * {@code events.jsonl}, and shows each to an observer (the run's status).
 */
final class BusRunEvents implements RunEvents, AutoCloseable {

    private final EventBus bus;
    private final String address;
    private final Writer log;
    private final Consumer<JsonObject> observer;

    BusRunEvents(EventBus bus, String runId, Path eventsFile, Consumer<JsonObject> observer) {
        this.bus = bus;
        this.address = Addresses.runEvents(runId);
        this.observer = observer;
        try {
            this.log = Files.newBufferedWriter(eventsFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + eventsFile, e);
        }
    }

    @Override
    public synchronized void emit(String type, Map<String, Object> data) {
        JsonObject event = new JsonObject().put("type", type).put("time", Instant.now().toString()).put("data", new JsonObject(data));
        try {
            log.write(event.encode());
            log.write('\n');
            log.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to events.jsonl", e);
        }
        observer.accept(event);
        bus.publish(address, event);
    }

    @Override
    public synchronized void close() throws IOException {
        log.close();
    }
}
