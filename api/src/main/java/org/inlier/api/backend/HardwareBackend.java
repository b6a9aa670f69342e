package org.inlier.api.backend;

import java.util.Map;
import java.util.Optional;
import org.inlier.api.plugin.Options;
import org.inlier.api.plugin.Plugin;
import org.inlier.api.plugin.PluginKind;
import org.inlier.api.quant.QuantParams;

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
     * How this backend executes a quantized model itself, when it does: the evaluate stage then
     * measures the quantized model's quality on the backend's outputs rather than on the SameDiff
     * simulation's. Empty (the default) for backends that only simulate quantization.
     *
     * @param options the backend's validated options
     * @param params  the frozen parameters of every quantized site, by site name
     */
    default Optional<ModelExecution> execution(Options options, Map<String, QuantParams> params) {
        return Optional.empty();
    }
}
