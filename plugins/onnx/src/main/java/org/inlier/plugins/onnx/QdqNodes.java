package org.inlier.plugins.onnx;

import java.util.List;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The ONNX form of one quantized site, with Inlier's arithmetic
 * ({@code q = clamp(rint(x / s) + z, qmin, qmax)}, {@code x̂ = (q − z) · s}, in float32):
 *
 * <ul>
 *   <li><b>activation</b>: {@code QuantizeLinear(x, s, z) → DequantizeLinear(·, s, z)}. ONNX rounds
 *       {@code x / s} half to even and saturates to the integer type, as Inlier does. A grid narrower
 *       than its type (2 to 7 bits in int8/uint8, 9 to 15 bits in int16/uint16) is first clipped to
 *       its real range {@code [(qmin − z)·s, (qmax − z)·s]} with {@code Max}/{@code Min}, which
 *       gives the same levels as clamping them.</li>
 *   <li><b>weight</b>: the levels, computed here, stored as an integer initializer
 *       {@code <site>.quantized}, then {@code DequantizeLinear} with {@code axis} for per-channel scales.</li>
 * </ul>
 */
final class QdqNodes {

    private QdqNodes() {
    }

    /**
     * Emits an activation's quantize–dequantize pair.
     *
     * @param in   the float tensor
     * @param out  the name of the dequantized tensor
     * @param rank the rank of {@code in}, to place a per-channel axis
     */
    static void activation(OnnxGraphBuilder g, String site, QuantParams p, String in, String out, int rank) {
        QuantScheme scheme = p.scheme();
        IntegerType type = IntegerType.of(scheme);
        String scale = site + ".scale";
        String zeroPoint = site + ".zero_point";
        parameters(g, p, type, scale, zeroPoint);
        String x = in;
        if (!type.saturatesTo(scheme)) {
            x = clip(g, site, p, in, rank);
        }
        String quantized = site + ".quantized";
        if (p.scale().length == 1) {
            g.node("QuantizeLinear", List.of(x, scale, zeroPoint), List.of(quantized));
            g.node("DequantizeLinear", List.of(quantized, scale, zeroPoint), List.of(out));
        } else {
            long axis = ChannelAxes.normalize(scheme.axis(), rank);
            g.node("QuantizeLinear", List.of(x, scale, zeroPoint), List.of(quantized), OnnxGraphBuilder.intAttribute("axis", axis));
            g.node("DequantizeLinear", List.of(quantized, scale, zeroPoint), List.of(out), OnnxGraphBuilder.intAttribute("axis", axis));
        }
    }

    /**
     * Emits a weight as integer levels and their {@code DequantizeLinear}.
     *
     * @param w   the float weight
     * @param out the name of the dequantized weight
     */
    static void weight(OnnxGraphBuilder g, String site, QuantParams p, INDArray w, String out) {
        QuantScheme scheme = p.scheme();
        IntegerType type = IntegerType.of(scheme);
        String scale = site + ".scale";
        String zeroPoint = site + ".zero_point";
        parameters(g, p, type, scale, zeroPoint);
        String levels = site + ".quantized";
        g.integers(levels, w.shape(), levels(w, p), type);
        if (p.scale().length == 1) {
            g.node("DequantizeLinear", List.of(levels, scale, zeroPoint), List.of(out));
        } else {
            long axis = ChannelAxes.normalize(scheme.axis(), w.rank());
            g.node("DequantizeLinear", List.of(levels, scale, zeroPoint), List.of(out), OnnxGraphBuilder.intAttribute("axis", axis));
        }
    }

    /**
     * The integer levels of a weight, in float32 arithmetic as Inlier's fake quantization computes
     * them: {@code clamp(rint(w / s) + z, qmin, qmax)} with {@code s} and {@code w} as float32.
     */
    static long[] levels(INDArray w, QuantParams p) {
        QuantScheme scheme = p.scheme();
        float[] values = w.castTo(DataType.FLOAT).dup('c').data().asFloat();
        long[] shape = w.shape();
        int channels = p.scale().length;
        long inner = 1;
        if (channels > 1) {
            int axis = ChannelAxes.normalize(scheme.axis(), shape.length);
            if (shape[axis] != channels) {
                throw new IllegalArgumentException(channels + " per-channel scales for axis " + axis + " of a weight of "
                        + java.util.Arrays.toString(shape));
            }
            for (int d = axis + 1; d < shape.length; d++) {
                inner *= shape[d];
            }
        }
        double[] scale = p.scale();
        long[] zeroPoint = p.zeroPoint();
        long[] levels = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            int c = channels == 1 ? 0 : (int) ((i / inner) % channels);
            float s = (float) scale[c];
            double q = Math.rint(values[i] / s) + zeroPoint[c];
            levels[i] = (long) Math.max(scheme.qmin(), Math.min(scheme.qmax(), q));
        }
        return levels;
    }

    private static void parameters(OnnxGraphBuilder g, QuantParams p, IntegerType type, String scale, String zeroPoint) {
        double[] s = p.scale();
        float[] scales = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            scales[i] = (float) s[i];
        }
        long[] shape = s.length == 1 ? new long[0] : new long[] {s.length};
        g.floats(scale, shape, scales);
        g.integers(zeroPoint, shape, p.zeroPoint(), type);
    }

    /** {@code min(max(x, lo), hi)} with the grid's real bounds, per tensor or broadcast along the channel axis. */
    private static String clip(OnnxGraphBuilder g, String site, QuantParams p, String in, int rank) {
        QuantScheme scheme = p.scheme();
        double[] s = p.scale();
        long[] z = p.zeroPoint();
        float[] low = new float[s.length];
        float[] high = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            float scale = (float) s[i];
            low[i] = (scheme.qmin() - z[i]) * scale;
            high[i] = (scheme.qmax() - z[i]) * scale;
        }
        long[] shape = s.length == 1 ? new long[0] : ChannelAxes.broadcastShape(s.length, ChannelAxes.normalize(scheme.axis(), rank), rank);
        g.floats(site + ".clip_low", shape, low);
        g.floats(site + ".clip_high", shape, high);
        g.node("Max", List.of(in, site + ".clip_low"), List.of(site + ".clipped_low"));
        g.node("Min", List.of(site + ".clipped_low", site + ".clip_high"), List.of(site + ".clipped"));
        return site + ".clipped";
    }
}
