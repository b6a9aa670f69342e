package org.inlier.runtime.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The folder of runs: {@code runs/<run-id>/} holds a run's resolved pipeline, checkpoints,
 * calibration, quantized model, events and report.
 */
public final class RunStore {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path root;

    /** @param root the folder holding one sub-folder per run */
    public RunStore(Path root) {
        this.root = root.toAbsolutePath();
    }

    /** The folder holding the runs. */
    public Path root() {
        return root;
    }

    /** A fresh run id: the time and the pipeline's name, unique in this store. */
    public synchronized String newRunId(String pipelineName) {
        String base = STAMP.format(LocalDateTime.now()) + "-" + pipelineName.replaceAll("[^A-Za-z0-9_.-]", "_");
        String id = base;
        for (int n = 2; Files.exists(root.resolve(id)); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    /**
     * Creates a run's folder.
     *
     * @throws IllegalArgumentException if the id is not a plain name or the run exists
     */
    public Path create(String runId) {
        if (!runId.matches("[A-Za-z0-9_.-]+") || runId.startsWith(".")) {
            throw new IllegalArgumentException("run id '" + runId + "' must be letters, digits, '.', '_' or '-'");
        }
        try {
            Files.createDirectories(root);
            return Files.createDirectory(root.resolve(runId));
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException("run '" + runId + "' already exists in " + root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run folder in " + root, e);
        }
    }

    /** The folder of an existing run. */
    public Path dir(String runId) {
        Path dir = root.resolve(runId);
        if (!runId.matches("[A-Za-z0-9_.-]+") || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no run '" + runId + "' in " + root);
        }
        return dir;
    }
}
