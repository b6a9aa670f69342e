package org.inlier.it;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.inlier.shell.Cli;

/** What one CLI invocation printed and returned. */
record CliResult(int exitCode, String out, String err) {

    /** Runs the CLI with its run store, plugins folder (empty) and data cache inside {@code dir}. */
    static CliResult in(Path dir, String... args) {
        return run(Stream.concat(Stream.of(args), Stream.of("--runs", dir.resolve("runs").toString(),
                "--plugins", dir.resolve("no-plugins").toString(), "--cache", dir.resolve("cache").toString())).toArray(String[]::new));
    }

    static CliResult run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.execute(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new CliResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
