package org.inlier.runtime.config;

import java.util.List;
import java.util.stream.Collectors;

/** A pipeline file is invalid; carries every problem found, not just the first. */
public final class PipelineException extends RuntimeException {

    private final String file;
    private final List<ConfigProblem> problems;

    /**
     * @param file     the pipeline file's name as the user gave it
     * @param problems every problem found; at least one
     */
    public PipelineException(String file, List<ConfigProblem> problems) {
        super(file + " has the following error" + (problems.size() == 1 ? "" : "s") + ":\n"
                + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    /** The pipeline file's name. */
    public String file() {
        return file;
    }

    /** Every problem, in the order found. */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
