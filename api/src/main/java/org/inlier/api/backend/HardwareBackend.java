package org.inlier.api.backend;

import java.nio.file.Path;
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
     * How this backend executes a quantized model by compiling the model's graph (an export to
     * another runtime), when it does: the evaluate stage then measures the quantized model's quality
     * on the backend's outputs beside the SameDiff simulation's. Empty (the default) for backends
     * that only simulate quantization or run the saved model ({@link #load}).
     *
     * @param options the backend's validated options
     * @param params  the frozen parameters of every quantized site, by site name
     */
    default Optional<ModelExecution> execution(Options options, Map<String, QuantParams> params) {
        return Optional.empty();
    }

    /**
     * Loads a quantize stage's saved model (integer weights and site parameters) to run on this
     * backend itself, for backends that execute quantized models from the file rather than
     * simulate them or compile the graph ({@link #execution}).
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
