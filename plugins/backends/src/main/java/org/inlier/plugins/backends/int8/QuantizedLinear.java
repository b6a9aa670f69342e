package org.inlier.plugins.backends.int8;

import java.util.Arrays;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.QuantizedTensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A linear layer {@code y = x W + b} executed in integers, from the quantize stage's integer
 * weight and the frozen parameters of its input and output sites.
 *
 * <p>With input levels {@code q_x} (zero-point {@code z_x}, scale {@code s_x}), symmetric weight
 * levels {@code q_w} (scale {@code s_w} per tensor or per output column {@code j}) and output
 * parameters {@code s_y, z_y}:
 * <pre>
 *   acc_j = Σ_k (q_x,k − z_x) · q_w,kj                                          (int32, exact)
 *   q_y,j = clamp(z_y + round(acc_j · s_x s_w,j / s_y + b_j / s_y), qmin_y, qmax_y)
 * </pre>
 * which is the fake-quant simulation's {@code q_y = clamp(rint((x̂ Ŵ + b) / s_y) + z_y)} computed
 * without floating point: the second line is one 64-bit multiply-add and shift
 * ({@link FixedPointMultiplier#apply(int, long)}) with the multiplier {@code s_x s_w,j / s_y} in
 * 31 bits and the bias {@code b_j / s_y} in the same fixed-point units. (The usual int32 bias on
 * the accumulator grid, {@code round(b_j / (s_x s_w,j))}, is off by up to half an accumulator
 * step — with 4-bit weights a sizeable part of an output level — and put 0.20–0.23 % of the
 * outputs one level from the simulation in IntegerTransformerMatchesSimulationTest, against
 * 0.01 % at 8 bits.) Asymmetric inputs (levels up to 255) are shifted by −128 into int8 for
 * {@link Int8Gemm}; the shift and {@code z_x} fold into one constant per column,
 * {@code (128 − z_x) · Σ_k q_w,kj}.
 *
 * <p>Weights of at most 4 bits are kept {@link PackedInt4 packed two per byte} and unpacked for
 * each product: half the memory at rest, for an unpacking pass small beside the product itself.
 */
public final class QuantizedLinear {

    private static final int ASYMMETRIC_SHIFT = 128;

    private final int in;
    private final int out;
    private final Int8Gemm gemm;
    /** {@code (out, in)}: Wᵀ, one row per output column, int8 or packed int4. */
    private final byte[] weightsT;
    private final boolean packed;
    private final int inputShift;
    private final int inputMin;
    private final int inputMax;
    /** Per output column: the folded zero-point correction. */
    private final int[] columnOffset;
    /** Per output column: {@code s_x s_w,j}, the real value of one accumulator step. */
    private final double[] accumulatorScale;
    private final float[] bias;
    /** {@code null} when the output is not a quantized site. */
    private final Requantisation requantisation;

    /**
     * @param weight the integer weight {@code (in, out)} with its symmetric parameters, per tensor
     *               or per output channel (axis 1), at most 8 bits
     * @param bias   {@code out} floating-point biases
     * @param input  the input site's per-tensor parameters, at most 8 bits
     * @param output the output site's per-tensor parameters, or {@code null} when the output is
     *               no quantized site (then only {@link #real} applies)
     * @param gemm   the integer product to run on
     * @throws IllegalArgumentException naming the parameter this layer cannot execute
     */
    public QuantizedLinear(QuantizedTensor weight, float[] bias, QuantParams input, QuantParams output, Int8Gemm gemm) {
        INDArray w = weight.values();
        if (w.rank() != 2) {
            throw new IllegalArgumentException("a linear weight is (in, out), got shape " + Arrays.toString(w.shape()));
        }
        this.in = (int) w.size(0);
        this.out = (int) w.size(1);
        this.gemm = gemm;
        QuantParams wp = weight.params();
        checkWeight(wp.scheme(), wp.scale().length);
        checkPerTensor("input", input);
        if (output != null) {
            checkPerTensor("output", output);
        }
        if (bias.length != out) {
            throw new IllegalArgumentException(bias.length + " biases for " + out + " output columns");
        }

        QuantScheme inputScheme = input.scheme();
        this.inputShift = inputScheme.symmetric() ? 0 : ASYMMETRIC_SHIFT;
        this.inputMin = (int) inputScheme.qmin();
        this.inputMax = (int) inputScheme.qmax();
        this.bias = bias.clone();

        int[] levels = w.castTo(DataType.INT32).dup('c').data().asInt(); // (in, out)
        byte[] transposed = new byte[in * out];
        long[] columnSum = new long[out];
        for (int k = 0; k < in; k++) {
            for (int j = 0; j < out; j++) {
                int level = levels[k * out + j];
                transposed[j * in + k] = (byte) level;
                columnSum[j] += level;
            }
        }
        this.packed = wp.scheme().bits() <= 4;
        this.weightsT = packed ? PackedInt4.pack(transposed) : transposed;

        double inputScale = input.scale()[0];
        long inputZero = input.zeroPoint()[0];
        double[] weightScale = wp.scale();
        this.columnOffset = new int[out];
        this.accumulatorScale = new double[out];
        FixedPointMultiplier[] multipliers = new FixedPointMultiplier[out];
        long[] biasAddends = new long[out]; // b_j / s_y in the fixed-point units of column j's multiplier
        for (int j = 0; j < out; j++) {
            accumulatorScale[j] = inputScale * weightScale[weightScale.length == 1 ? 0 : j];
            columnOffset[j] = Math.toIntExact((inputShift - inputZero) * columnSum[j]);
            if (output != null) {
                multipliers[j] = FixedPointMultiplier.of(accumulatorScale[j] / output.scale()[0]);
                biasAddends[j] = multipliers[j].addend(bias[j] / output.scale()[0]);
            }
        }
        this.requantisation = output == null ? null : new Requantisation(multipliers, biasAddends, output.zeroPoint()[0],
                output.scheme().qmin(), output.scheme().qmax());
    }

    /** Input features. */
    public int in() {
        return in;
    }

    /** Output features. */
    public int out() {
        return out;
    }

    /**
     * The int32 accumulators {@code acc_j} (zero-point corrected, without the bias) of {@code rows} input rows.
     *
     * @param inputLevels {@code (rows, in)} row-major levels of the input site's grid
     * @return {@code (rows, out)} row-major
     * @throws IllegalArgumentException if the length does not match or a level is off the input grid
     * @throws ArithmeticException      if an accumulator overflows int32
     */
    public int[] accumulators(int[] inputLevels, int rows) {
        if (inputLevels.length != (long) rows * in) {
            throw new IllegalArgumentException(inputLevels.length + " input levels for " + rows + " rows of " + in);
        }
        byte[] a = new byte[inputLevels.length];
        if (!ElementwiseKernel.FASTEST.toInt8(inputLevels, inputShift, inputMin, inputMax, a)) {
            int i = 0;
            while (inputLevels[i] >= inputMin && inputLevels[i] <= inputMax) {
                i++;
            }
            throw new IllegalArgumentException("input level " + inputLevels[i] + " at index " + i + " is off the grid [" + inputMin + ", " + inputMax + "]");
        }
        byte[] bt = packed ? PackedInt4.unpack(weightsT, in * out) : weightsT;
        int[] acc = new int[rows * out];
        gemm.multiply(a, bt, acc, rows, out, in);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < out; j++) {
                acc[r * out + j] = Math.addExact(acc[r * out + j], columnOffset[j]);
            }
        }
        return acc;
    }

    /**
     * The output site's levels {@code q_y} of {@code rows} input rows.
     *
     * @param inputLevels {@code (rows, in)} row-major levels of the input site's grid
     * @return {@code (rows, out)} row-major levels of the output site's grid
     */
    public int[] forward(int[] inputLevels, int rows) {
        if (requantisation == null) {
            throw new IllegalStateException("this layer's output is no quantized site: take its real values");
        }
        int[] acc = accumulators(inputLevels, rows);
        requantisation.apply(acc);
        return acc;
    }

    /**
     * The real outputs {@code x̂ Ŵ + b} of {@code rows} input rows, for an output that is no
     * quantized site (the first FFN linear, whose output goes through GELU first): the exact
     * integer product scaled by {@code s_x s_w,j}, plus the float bias.
     *
     * @param inputLevels {@code (rows, in)} row-major levels of the input site's grid
     * @return {@code (rows, out)} row-major
     */
    public float[] real(int[] inputLevels, int rows) {
        int[] acc = accumulators(inputLevels, rows);
        float[] y = new float[acc.length];
        ElementwiseKernel.FASTEST.dequantise(acc, accumulatorScale, bias, y);
        return y;
    }

    /** Bytes the weights occupy: {@code in · out} at 8 bits, half that packed at 4. */
    public int weightBytes() {
        return weightsT.length;
    }

    private void checkWeight(QuantScheme scheme, int scales) {
        if (!scheme.symmetric()) {
            throw new IllegalArgumentException("int8-jvm runs symmetric weights only (zero-point 0); this weight is asymmetric");
        }
        if (scheme.bits() > 8) {
            throw new IllegalArgumentException("int8-jvm runs weights of at most 8 bits, not " + scheme.bits());
        }
        boolean perChannel = scheme.granularity() == Granularity.CHANNEL && (scheme.axis() == 1 || scheme.axis() == -1) && scales == out;
        if (!(scheme.granularity() == Granularity.TENSOR && scales == 1) && !perChannel) {
            throw new IllegalArgumentException("int8-jvm runs weights per tensor or per output channel (axis 1), got "
                    + scheme.granularity() + " on axis " + scheme.axis() + " with " + scales + " scales for " + out + " columns");
        }
    }

    private static void checkPerTensor(String role, QuantParams p) {
        if (p.scheme().granularity() != Granularity.TENSOR || p.scale().length != 1) {
            throw new IllegalArgumentException("int8-jvm needs per-tensor " + role + " parameters, got " + p.scheme().granularity());
        }
        if (p.scheme().bits() > 8) {
            throw new IllegalArgumentException("int8-jvm runs " + role + "s of at most 8 bits, not " + p.scheme().bits());
        }
    }
}
