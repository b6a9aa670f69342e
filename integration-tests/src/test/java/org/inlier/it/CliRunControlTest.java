package org.inlier.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.inlier.runtime.model.Checkpoint;
import org.inlier.runtime.stages.PipelineRunner;
import org.inlier.runtime.stages.TrainStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs driven across CLI invocations: detach, status, cancel, resume, and the exit codes of each. */
class CliRunControlTest {

    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private static final String RUN = "background";

    @TempDir
    Path dir;

    private CliResult cli(String... args) {
        return CliResult.in(dir, args);
    }

    /** A failed test must not leave a million-step run behind. */
    @AfterEach
    void stopTheBackgroundRun() {
        if (Files.isDirectory(dir.resolve("runs").resolve(RUN))) {
            cli("cancel", RUN);
            await().atMost(PATIENCE).until(() -> !cli("status", RUN).out().matches("(?s).*(queued|running).*"));
        }
    }

    @Test
    void aDetachedRunIsFollowedCancelledAndResumedFromItsCheckpointByLaterInvocations() throws Exception {
        Path pipeline = TinyPipelines.endless(dir, TinyPipelines.text(dir));

        CliResult started = cli("run", pipeline.toString(), "--detach", "--run-id", RUN);

        assertThat(started.exitCode()).as(started.err()).isZero();
        assertThat(started.out()).contains("Run " + RUN + " started in the background", "inlier status " + RUN);
        Path checkpoint = dir.resolve("runs").resolve(RUN).resolve(TrainStage.CHECKPOINT).toAbsolutePath();
        await().atMost(PATIENCE).until(() -> Files.exists(checkpoint));
        assertThat(cli("status", RUN).out()).contains(RUN, "running", "train step", "ETA", "cancel " + RUN);
        assertThat(cli("status").out()).contains(RUN, "running");
        CliResult secondOwner = cli("run", "--resume", RUN);
        assertThat(secondOwner.exitCode()).isEqualTo(3);
        assertThat(secondOwner.err()).contains("busy");

        CliResult cancel = cli("cancel", RUN);

        assertThat(cancel.exitCode()).as(cancel.err()).isZero();
        assertThat(cancel.out()).contains("stops at its next step boundary");
        await().atMost(PATIENCE).until(() -> cli("status", RUN).out().contains("cancelled"));
        assertThat(cli("status", RUN).out()).contains("run --resume " + RUN);
        int saved = ((Number) Checkpoint.load(checkpoint).state().get("step")).intValue();
        assertThat(saved % 5).isZero();

        // Resume in the foreground, with the saved pipeline cut short so that it ends three steps later.
        Path savedPipeline = dir.resolve("runs").resolve(RUN).resolve(PipelineRunner.PIPELINE_FILE);
        Files.writeString(savedPipeline, Files.readString(savedPipeline).replace("steps: 1000000", "steps: " + (saved + 3)));
        CliResult resumed = cli("run", "--resume", RUN);

        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("train: resumed from " + checkpoint + " at step " + saved,
                "train step " + (saved + 3) + "/" + (saved + 3), "Run " + RUN + " done");
        assertThat(cli("runs").out()).contains(RUN, "done");
    }

    @Test
    void unknownRunsExitWithTwo() {
        assertThat(cli("status", "no-such-run").exitCode()).isEqualTo(2);
        CliResult cancel = cli("cancel", "no-such-run");
        assertThat(cancel.exitCode()).isEqualTo(2);
        assertThat(cancel.err()).contains("no run 'no-such-run'");
        assertThat(cli("run", "--resume", "no-such-run").exitCode()).isEqualTo(2);
        assertThat(cli("run", "--resume", "x", "--run-id", "y").exitCode()).isEqualTo(2);
    }
}
