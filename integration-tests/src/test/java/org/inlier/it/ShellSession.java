package org.inlier.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.inlier.shell.Cli;

/**
 * What {@code inlier shell} printed for a script piped into it: the Gogo shell in a JVM of its
 * own (it reads the process's standard input), over the test class path.
 */
record ShellSession(int exitCode, String out, String err) {

    private static final long LIMIT_MINUTES = 4;

    /**
     * Runs the shell with its run store and data cache inside {@code dir}.
     *
     * @param plugins the plugins folder whose bundles the shell starts
     * @param script  the shell's input, one command per line; the shell ends at its end
     */
    static ShellSession run(Path dir, Path plugins, List<String> script) throws IOException, InterruptedException {
        Path input = Files.write(dir.resolve("script.gosh"), script);
        Path out = dir.resolve("shell.out");
        Path err = dir.resolve("shell.err");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), Cli.class.getName(), "shell",
                "--runs", dir.resolve("runs").toString(), "--plugins", plugins.toString(), "--cache", dir.resolve("cache").toString()));
        Process shell = new ProcessBuilder(command).redirectInput(input.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        if (!shell.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES)) {
            String threads = threadDump(shell);
            shell.destroyForcibly();
            throw new IllegalStateException("the shell did not end within " + LIMIT_MINUTES + " minutes; it printed:\n"
                    + Files.readString(out, StandardCharsets.UTF_8) + Files.readString(err, StandardCharsets.UTF_8) + "\nits threads:\n" + threads);
        }
        return new ShellSession(shell.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Where a shell that hangs is stuck. */
    private static String threadDump(Process shell) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(shell.pid()),
                "Thread.print").redirectErrorStream(true).start();
        String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor();
        return dump;
    }

    /** What the shell printed after {@code echo SECTION-name} and before the next section. */
    String section(String name) {
        int start = out.indexOf("SECTION-" + name);
        if (start < 0) {
            throw new AssertionError("no section " + name + " in:\n" + out + err);
        }
        int end = out.indexOf("SECTION-", start + 1);
        return out.substring(start, end < 0 ? out.length() : end);
    }

    /** The script line that starts a section. */
    static String marks(String name) {
        return "echo SECTION-" + name;
    }
}
