package org.inlier.plugins.onnx;

import ai.onnxruntime.OrtEnvironment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.inlier.api.backend.Capabilities;
import org.inlier.api.backend.HardwareBackend;
import org.inlier.api.backend.ModelExecution;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code onnxruntime}: quantized models are exported to ONNX with QuantizeLinear/DequantizeLinear
 * pairs ({@link OnnxExport}) and run by ONNX Runtime on the CPU; the evaluate stage measures them
 * there. Calibration and the floating-point reference still run on ND4J, whose BLAS threads this
 * backend sets too.
 *
 * <p>Capabilities: 2 to 16 bits (below 8 as int8/uint8 clipped to the grid, above 8 as int16/uint16),
 * per tensor or per channel; not per token, since QuantizeLinear takes a fixed scale. It does not
 * train. No operation is claimed as integer execution: ONNX Runtime decides at session creation
 * which QDQ patterns it fuses into integer kernels, and the exporter does not control that.
 */
public final class OnnxRuntimeBackend implements HardwareBackend {

    /** The id pipeline files use. */
    public static final String ID = "onnxruntime";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "quantized models exported to ONNX QDQ and run by ONNX Runtime (CPU); calibration on ND4J";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.integer("threads", 0, 0, 1024, "ONNX Runtime intra-op threads and ND4J BLAS threads; 0 = one per available core"));
    }

    @Override
    public Capabilities capabilities(Options options) {
        return new Capabilities(QuantScheme.MIN_BITS, QuantScheme.MAX_BITS, Set.of(Granularity.TENSOR, Granularity.CHANNEL), false, Set.of());
    }

    @Override
    public String activate(Options options) {
        int threads = threads(options);
        Nd4j.factory().blas().setMaxThreads(threads);
        return ID + " " + OrtEnvironment.getEnvironment().getVersion() + ": " + threads + " intra-op threads; calibration and the"
                + " floating-point reference on ND4J";
    }

    @Override
    public Optional<ModelExecution> execution(Options options, Map<String, QuantParams> params) {
        return Optional.of(new OnnxRuntimeExecution(params, threads(options)));
    }

    private static int threads(Options options) {
        int threads = options.getInt("threads");
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
