package org.inlier.plugins.backends;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.inlier.api.backend.Capabilities;
import org.inlier.api.backend.HardwareBackend;
import org.inlier.api.backend.IntegerOp;
import org.inlier.api.backend.QuantizedRunner;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.inlier.plugins.backends.int8.Int8Gemm;
import org.inlier.plugins.backends.int8.QuantizedLinear;
import org.inlier.plugins.backends.int8.QuantizedModelFile;
import org.inlier.plugins.backends.int8.model.Architecture;
import org.inlier.plugins.backends.int8.model.IntegerTransformer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Integer execution in pure Java: a whole quantized decoder-clm or bert-onnx
 * ({@link IntegerTransformer}) with its linear layers and attention products as int8 × int8 →
 * int32 products ({@link Int8Gemm}) requantised with integer multipliers and shifts
 * ({@link QuantizedLinear}), and LayerNorm, softmax and GELU in float on dequantised values. Bit
 * widths 2 to 8 (weights of at most 4 bits packed two per byte), weights per tensor or per output
 * channel, activations per tensor; it does not train (train and calibrate stages run on ND4J).
 */
public final class Int8JvmBackend implements HardwareBackend {

    /** The id pipeline files use. */
    public static final String ID = "int8-jvm";

    private static final int MAX_BITS = 8;
    /** The attention variant whose probabilities are a plain softmax. */
    private static final String ATTENTION = "vanilla";

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
        return List.of(OptionSpec.integer("threads", 0, 0, 1024,
                "threads of the integer product and of ND4J's BLAS (float stages); 0 = one per available core"));
    }

    @Override
    public Capabilities capabilities(Options options) {
        return new Capabilities(QuantScheme.MIN_BITS, MAX_BITS, Set.of(Granularity.TENSOR, Granularity.CHANNEL), false,
                Set.of(IntegerOp.LINEAR, IntegerOp.ATTENTION_PRODUCTS));
    }

    /** Also sets ND4J's BLAS threads: the train, calibrate and quantize stages and the float reference run on ND4J. */
    @Override
    public String activate(Options options) {
        Nd4j.factory().blas().setMaxThreads(threads(options));
        return ID + ": " + gemm(options).description() + "; float stages on ND4J with " + Nd4j.factory().blas().getMaxThreads()
                + " BLAS threads";
    }

    /**
     * {@inheritDoc}
     *
     * <p>Executes decoder-clm and bert-onnx with softmax attention ({@value #ATTENTION}), as
     * {@link IntegerTransformer} describes.
     */
    @Override
    public Optional<QuantizedRunner> load(Options options, Path file, String family, int heads, String attention) {
        if (!ATTENTION.equals(attention)) {
            throw new IllegalArgumentException("backend '" + ID + "' executes softmax attention ('" + ATTENTION + "') only, not '"
                    + attention + "'");
        }
        return Optional.of(new IntegerTransformer(QuantizedModelFile.load(file), Architecture.of(family), heads, gemm(options)));
    }

    /** The integer product these options configure, for building {@link QuantizedLinear} layers. */
    public Int8Gemm gemm(Options options) {
        return new Int8Gemm(threads(options));
    }

    private static int threads(Options options) {
        int threads = options.getInt("threads");
        return threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    }
}
