package org.inlier.shell;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.inlier.runtime.store.RunStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code inlier report <id>}: prints a run's or a sweep's report from the run store. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Print the report of a run or a sweep of the run store (report.md; its plots are in the run's plots/ folder).")
final class ReportCommand implements Callable<Integer> {

    private static final List<String> FORMATS = List.of("md", "json", "html");

    @Parameters(index = "0", paramLabel = "ID", description = "the run's or sweep's id (its folder in the run store)")
    String id;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "md",
            description = "md, json, or html (one self-contained page with the plots embedded, to share) (default: ${DEFAULT-VALUE})")
    String format;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() throws IOException {
        if (!FORMATS.contains(format)) {
            Cli.err().println("--format " + format + ": allowed: " + String.join(", ", FORMATS));
            return ExitCodes.INVALID;
        }
        Path file;
        try {
            file = new RunStore(runtime.runs).dir(id).resolve("report." + format);
        } catch (IllegalArgumentException e) {
            Cli.err().println(e.getMessage());
            return ExitCodes.INVALID;
        }
        if (!Files.exists(file)) {
            Cli.err().println(id + " has no report yet (" + file + " does not exist)");
            return ExitCodes.INVALID;
        }
        Cli.out().print(Files.readString(file));
        return ExitCodes.OK;
    }
}
