package org.inlier.runtime.osgi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.inlier.api.plugin.PluginKind;
import org.inlier.runtime.plugins.PluginProblem;
import org.inlier.runtime.plugins.PluginSource;
import org.osgi.framework.Bundle;

/**
 * The plugin entries of a bundle's own {@code META-INF/services} files, one per SPI of
 * {@link PluginKind}, parsed as {@link java.util.ServiceLoader} parses them: one class name per
 * line, {@code #} starts a comment. A file that cannot be read is a problem, not a failure.
 *
 * @param entries  the classes to instantiate, in file order
 * @param problems the files that could not be read
 */
record ServiceEntries(List<ServiceEntry> entries, List<PluginProblem> problems) {

    private static final String SERVICES = "META-INF/services/";

    /** Reads the services files of a bundle's own content (not of what it imports, and without resolving it). */
    static ServiceEntries of(Bundle bundle, PluginSource source) {
        List<ServiceEntry> entries = new ArrayList<>();
        List<PluginProblem> problems = new ArrayList<>();
        for (PluginKind kind : PluginKind.values()) {
            URL file = bundle.getEntry(SERVICES + kind.serviceType().getName());
            if (file == null) {
                continue;
            }
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(file.openStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    String className = line.replaceFirst("#.*", "").trim();
                    if (!className.isEmpty()) {
                        entries.add(new ServiceEntry(kind, className, file));
                    }
                }
            } catch (IOException e) {
                problems.add(new PluginProblem(source, "cannot read " + file, e));
            }
        }
        return new ServiceEntries(entries, problems);
    }
}
