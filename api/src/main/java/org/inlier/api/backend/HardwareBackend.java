package org.inlier.api.backend;

import org.inlier.api.plugin.Options;
import org.inlier.api.plugin.Plugin;
import org.inlier.api.plugin.PluginKind;

/** Where and how a model runs: ND4J on the CPU, integer kernels, an exporter, ... */
public interface HardwareBackend extends Plugin {

    @Override
    default PluginKind kind() {
        return PluginKind.HARDWARE_BACKEND;
    }

    /**
     * What this backend can execute with these options.
     *
     * @param options the backend's validated options
     */
    Capabilities capabilities(Options options);

    /**
     * Prepares the process to run on this backend (threads, data type, devices).
     *
     * @param options the backend's validated options
     * @return a one-line description of the active configuration, for the log and the report
     * @throws IllegalStateException if the backend cannot run here, saying why
     */
    String activate(Options options);
}
