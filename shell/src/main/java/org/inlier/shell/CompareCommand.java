package org.inlier.shell;

import java.util.List;
import java.util.concurrent.Callable;
import org.inlier.runtime.report.RunComparison;
import org.inlier.runtime.report.StoredReport;
import org.inlier.runtime.store.RunStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code inlier compare <id> <id> ...}: runs side by side, the papers' columns, the best of each starred. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare runs side by side, the best value of each column starred.",
                "Columns: FP quality, max inf-norm, avg kurtosis and quantized quality per bit width; rows are labelled by the",
                "pipeline fields the runs differ in."})
final class CompareCommand implements Callable<Integer> {

    @Parameters(arity = "2..*", paramLabel = "ID", description = "the runs' ids (folders of the run store)")
    List<String> ids;

    @Mixin
    RuntimeOptions runtime;

    @Override
    public Integer call() {
        RunStore store = new RunStore(runtime.runs);
        try {
            List<StoredReport> reports = ids.stream().map(id -> StoredReport.read(store.dir(id))).toList();
            Cli.out().print(new RunComparison(reports).text());
            return ExitCodes.OK;
        } catch (IllegalArgumentException e) {
            Cli.err().println(e.getMessage());
            return ExitCodes.INVALID;
        }
    }
}
