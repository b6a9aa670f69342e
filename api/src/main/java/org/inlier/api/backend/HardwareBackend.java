package org.inlier.api.backend;

import java.nio.file.Path;
import java.util.Optional;
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

    /**
     * Loads a quantize stage's model to run on this backend itself, for backends that execute
     * quantized models rather than simulate them.
     *
     * @param options   the backend's validated options
     * @param file      the quantize stage's {@code quantized-<label>.zip}
     * @param family    the model family's id
     * @param heads     the model's attention heads
     * @param attention the attention variant's id
     * @return empty when this backend only simulates (the default)
     * @throws IllegalArgumentException naming the backend and the feature of the model it cannot execute
     */
    default Optional<QuantizedRunner> load(Options options, Path file, String family, int heads, String attention) {
        return Optional.empty();
    }
}
