package org.inlier.plugins.datasets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One external program (npm, apt-get) run to completion in a folder, its output kept for the error
 * message a failure must carry.
 */
final class ExternalCommand {

    private static final int OUTPUT_TAIL_CHARS = 2000;

    /**
     * How the program ended.
     *
     * @param finished   false when it ran past the timeout and was killed
     * @param exitCode   its exit status (meaningless when not finished)
     * @param outputTail the last characters of its standard output and error, interleaved
     */
    record Result(boolean finished, int exitCode, String outputTail) {

        boolean succeeded() {
            return finished && exitCode == 0;
        }
    }

    private ExternalCommand() {
    }

    /**
     * Runs {@code command} in {@code workDir} with extra environment variables.
     *
     * @throws IOException if the program cannot be started at all (not installed, not executable)
     */
    static Result run(List<String> command, Path workDir, Map<String, String> environment, Duration timeout)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile(workDir, ".command-output-", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(false, -1, tail(output));
            }
            return new Result(true, process.exitValue(), tail(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String tail(Path output) throws IOException {
        // Decoded leniently: the output may hold anything, and it only goes into an error message.
        String text = new String(Files.readAllBytes(output), StandardCharsets.UTF_8);
        return text.length() <= OUTPUT_TAIL_CHARS ? text.strip() : "…" + text.substring(text.length() - OUTPUT_TAIL_CHARS).strip();
    }
}
