package org.inlier.shell;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the runtime keeps things; shared by every command. */
final class RuntimeOptions {

    @Option(names = "--runs", description = "run store folder (default: ${DEFAULT-VALUE})", defaultValue = "runs")
    Path runs;

    @Option(names = "--plugins", description = "folder of third-party plugin JARs (default: ${DEFAULT-VALUE})",
            defaultValue = "${env:INLIER_PLUGINS:-plugins}")
    Path plugins;

    @Option(names = "--cache", description = "data cache folder (default: ${DEFAULT-VALUE})",
            defaultValue = "${env:INLIER_CACHE:-${sys:user.home}/.cache/inlier}")
    Path cache;
}
