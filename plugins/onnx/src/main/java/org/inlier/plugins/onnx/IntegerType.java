package org.inlier.plugins.onnx;

import onnx.Onnx.TensorProto;
import org.inlier.api.quant.QuantScheme;

/**
 * The integer element type that carries a scheme's levels through {@code QuantizeLinear} and
 * {@code DequantizeLinear}: the narrowest of int8, uint8, int16 and uint16 whose range holds
 * {@code [qmin, qmax]}. ONNX has no 2- to 7-bit or 9- to 15-bit types, so those grids travel in
 * the next wider type and the exporter clips to the scheme's own range first (see {@link QdqNodes}).
 */
enum IntegerType {
    INT8(TensorProto.DataType.INT8, 1, Byte.MIN_VALUE, Byte.MAX_VALUE),
    UINT8(TensorProto.DataType.UINT8, 1, 0, 255),
    INT16(TensorProto.DataType.INT16, 2, Short.MIN_VALUE, Short.MAX_VALUE),
    UINT16(TensorProto.DataType.UINT16, 2, 0, 65535);

    private final TensorProto.DataType onnx;
    private final int bytes;
    private final long min;
    private final long max;

    IntegerType(TensorProto.DataType onnx, int bytes, long min, long max) {
        this.onnx = onnx;
        this.bytes = bytes;
        this.min = min;
        this.max = max;
    }

    /** The type for a scheme: signed for symmetric grids, unsigned for asymmetric ones. */
    static IntegerType of(QuantScheme scheme) {
        for (IntegerType t : values()) {
            if ((scheme.symmetric() == (t.min < 0)) && t.min <= scheme.qmin() && scheme.qmax() <= t.max) {
                return t;
            }
        }
        throw new IllegalArgumentException(scheme.bits() + "-bit " + (scheme.symmetric() ? "symmetric" : "asymmetric")
                + " levels fit no ONNX integer type of at most 16 bits");
    }

    /** Whether the type's own range is exactly the scheme's, so saturation alone clamps (no extra clip). */
    boolean saturatesTo(QuantScheme scheme) {
        return min == scheme.qmin() && max == scheme.qmax();
    }

    TensorProto.DataType onnx() {
        return onnx;
    }

    int bytes() {
        return bytes;
    }

    /** The AIMET encodings' {@code dtype} name, e.g. {@code int8}. */
    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
