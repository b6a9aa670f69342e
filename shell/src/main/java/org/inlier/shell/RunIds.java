package org.inlier.shell;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** The ids clients give new runs: the time and the pipeline's file name, e.g. {@code 20250101-120000-tiny}. */
public final class RunIds {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private RunIds() {
    }

    /** A fresh id for a run of this pipeline file ({@code null}: the quickstart). */
    public static String fresh(Path pipeline) {
        String name = pipeline == null ? "quickstart"
                : pipeline.getFileName().toString().replaceAll("\\.(ya?ml|json)$", "").replaceAll("[^A-Za-z0-9_.-]", "_");
        return STAMP.format(LocalDateTime.now()) + "-" + name;
    }
}
