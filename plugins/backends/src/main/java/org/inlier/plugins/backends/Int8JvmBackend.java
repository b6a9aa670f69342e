package org.inlier.plugins.backends;

import java.util.List;
import java.util.Set;
import org.inlier.api.backend.Capabilities;
import org.inlier.api.backend.HardwareBackend;
import org.inlier.api.backend.IntegerOp;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.inlier.plugins.backends.int8.Int8Gemm;
import org.inlier.plugins.backends.int8.QuantizedLinear;

/**
 * Integer execution in pure Java: linear layers of a quantized model run as int8 × int8 → int32
 * products ({@link Int8Gemm}) requantised with integer multipliers and shifts
 * ({@link QuantizedLinear}). Bit widths 2 to 8 (weights of at most 4 bits packed two per byte),
 * weights per tensor or per output channel; it does not train.
 */
public final class Int8JvmBackend implements HardwareBackend {

    /** The id pipeline files use. */
    public static final String ID = "int8-jvm";

    private static final int MAX_BITS = 8;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "integer execution on the JVM: int8 GEMM on the Vector API (scalar fallback), integer requantisation";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.integer("threads", 0, 0, 1024, "threads of the integer product; 0 = one per available core"));
    }

    @Override
    public Capabilities capabilities(Options options) {
        return new Capabilities(QuantScheme.MIN_BITS, MAX_BITS, Set.of(Granularity.TENSOR, Granularity.CHANNEL), false, Set.of(IntegerOp.LINEAR));
    }

    @Override
    public String activate(Options options) {
        return ID + ": " + gemm(options).description();
    }

    /** The integer product these options configure, for building {@link QuantizedLinear} layers. */
    public Int8Gemm gemm(Options options) {
        int threads = options.getInt("threads");
        return new Int8Gemm(threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
    }
}
