package org.inlier.shell;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code inlier}: the command-line client. Every subcommand talks to the runtime over the event bus. */
@Command(name = "inlier", mixinStandardHelpOptions = true, version = "inlier 0.1.0",
        description = "Make transformers quantization-friendly and quantize them.",
        subcommands = {RunCommand.class, ValidateCommand.class, PluginsCommand.class, StatusCommand.class, CancelCommand.class,
                RunsCommand.class, ShellCommand.class, ServeCommand.class,
                ReportCommand.class, CompareCommand.class, SweepCommand.class, EmbedCommand.class, ExportCommand.class},
        footer = {"", "Exit codes: 0 success, 1 run failed or cancelled, 2 invalid pipeline, command line or run id, 3 busy."})
public final class Cli implements Runnable {

    private static volatile PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    private static volatile PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

    /** Runs the CLI and exits with its code. */
    public static void main(String[] args) {
        // SameDiff prints "Added differentiated op ..." for every op through System.out; the CLI
        // writes to the real stdout and leaves System.out to libraries, silenced.
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        System.exit(execute(args));
    }

    /** Runs the CLI and returns its exit code. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Cli()); // picocli exits with 2 (ExitCodes.INVALID) on invalid input
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        return cli.execute(args);
    }

    /** Runs the CLI writing to the given streams instead of the process's (for tests and embedding). */
    public static synchronized int execute(PrintStream toOut, PrintStream toErr, String... args) {
        PrintStream oldOut = out;
        PrintStream oldErr = err;
        out = toOut;
        err = toErr;
        try {
            return execute(args);
        } finally {
            out = oldOut;
            err = oldErr;
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(out);
    }

    /** Where command output goes: the real standard output unless redirected. */
    static PrintStream out() {
        return out;
    }

    /** Where errors go: the real standard error unless redirected. */
    static PrintStream err() {
        return err;
    }
}
