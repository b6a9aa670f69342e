package org.inlier.plugins.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

/**
 * An ONNX graph under construction, written with the {@code onnx.proto} classes nd4j-api ships:
 * nodes in execution order, initializers (each added once), inputs and outputs.
 *
 * <p>The model targets opset {@value #OPSET} (IR version {@value #IR_VERSION}): opset 17 brought
 * {@code LayerNormalization}, and opset 21 lets {@code QuantizeLinear}/{@code DequantizeLinear}
 * carry 16-bit integers, which the 9- to 16-bit sites need.
 */
final class OnnxGraphBuilder {

    /** The default-domain opset the exporter writes. */
    static final int OPSET = 21;
    /** The IR version opset 21 requires. */
    static final int IR_VERSION = 10;

    private final List<NodeProto> nodes = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final Set<String> initialized = new HashSet<>();
    private final List<ValueInfoProto> inputs = new ArrayList<>();
    private final List<ValueInfoProto> outputs = new ArrayList<>();
    private int nodeCount;

    /** Adds a node; the node's name is its op type and a running number. */
    void node(String opType, List<String> in, List<String> out, AttributeProto... attributes) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType).setName(opType + "_" + nodeCount++)
                .addAllInput(in).addAllOutput(out);
        for (AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        nodes.add(node.build());
    }

    /** Whether an initializer of this name exists. */
    boolean hasInitializer(String name) {
        return initialized.contains(name);
    }

    /** Adds an initializer holding an ND4J array in its own data type (FLOAT, DOUBLE, INT, LONG). */
    void initializer(String name, INDArray array) {
        switch (array.dataType()) {
            case FLOAT -> floats(name, array.shape(), array.dup('c').data().asFloat());
            case DOUBLE -> tensor(name, TensorProto.DataType.DOUBLE, array.shape(), bytes(array.dup('c').data().asDouble()));
            case INT -> tensor(name, TensorProto.DataType.INT32, array.shape(), bytes(array.dup('c').data().asInt()));
            case LONG -> longs(name, array.shape(), array.dup('c').data().asLong());
            default -> throw new IllegalArgumentException("array " + name + " has data type " + array.dataType()
                    + ", which the ONNX export does not write (FLOAT, DOUBLE, INT, LONG)");
        }
    }

    /** Adds a float initializer. */
    void floats(String name, long[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        tensor(name, TensorProto.DataType.FLOAT, shape, b.array());
    }

    /** Adds an int64 initializer. */
    void longs(String name, long[] shape, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        tensor(name, TensorProto.DataType.INT64, shape, b.array());
    }

    /** Adds an integer initializer of 8 or 16 bits, signed or not, from levels already inside the type's range. */
    void integers(String name, long[] shape, long[] levels, IntegerType type) {
        ByteBuffer b = ByteBuffer.allocate(levels.length * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : levels) {
            if (type.bytes() == 1) {
                b.put((byte) v);
            } else {
                b.putShort((short) v);
            }
        }
        tensor(name, type.onnx(), shape, b.array());
    }

    /** Declares a graph input. */
    void input(String name, DataType dataType, long[] shape) {
        inputs.add(valueInfo(name, dataType, shape));
    }

    /** Declares a graph output of unknown shape. */
    void output(String name, DataType dataType) {
        outputs.add(valueInfo(name, dataType, null));
    }

    /** The finished model. */
    ModelProto build(String graphName, String producer) {
        GraphProto graph = GraphProto.newBuilder().setName(graphName).addAllNode(nodes).addAllInitializer(initializers)
                .addAllInput(inputs).addAllOutput(outputs).build();
        return ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName(producer)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).setGraph(graph).build();
    }

    static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto intsAttribute(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto floatAttribute(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    /** The ONNX element type of an ND4J data type. */
    static TensorProto.DataType onnxType(DataType dataType) {
        return switch (dataType) {
            case FLOAT -> TensorProto.DataType.FLOAT;
            case DOUBLE -> TensorProto.DataType.DOUBLE;
            case INT -> TensorProto.DataType.INT32;
            case LONG -> TensorProto.DataType.INT64;
            case BOOL -> TensorProto.DataType.BOOL;
            default -> throw new IllegalArgumentException("data type " + dataType + " has no ONNX counterpart in the exporter"
                    + " (FLOAT, DOUBLE, INT, LONG, BOOL)");
        };
    }

    private void tensor(String name, TensorProto.DataType type, long[] shape, byte[] raw) {
        if (!initialized.add(name)) {
            throw new IllegalStateException("initializer " + name + " added twice");
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber()).setRawData(ByteString.copyFrom(raw));
        for (long d : shape) {
            t.addDims(d);
        }
        initializers.add(t.build());
    }

    private static ValueInfoProto valueInfo(String name, DataType dataType, long[] shape) {
        TypeProto.Tensor.Builder tensor = TypeProto.Tensor.newBuilder().setElemType(onnxType(dataType).getNumber());
        if (shape != null) {
            TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
            for (int i = 0; i < shape.length; i++) {
                s.addDim(shape[i] < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam(i == 0 ? "batch" : "dim" + i)
                        : TensorShapeProto.Dimension.newBuilder().setDimValue(shape[i]));
            }
            tensor.setShape(s);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }

    private static byte[] bytes(double[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    private static byte[] bytes(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }
}
