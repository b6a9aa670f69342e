package org.inlier.plugins.pretrained;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Writes a small random BERT as ONNX, node for node the way Hugging Face's torch.onnx export of
 * BERT does (opset 14, decomposed LayerNorm, erf GELU, {@code onnx::MatMul_NNN} weights consumed by
 * {@code /encoder/layer.i/.../MatMul} nodes, Hugging Face names for everything else), so tests can
 * import a BERT of another size than MiniLM and run the original with ONNX Runtime.
 */
public final class TinyBertExport {

    /** The graph output holding the last hidden state. */
    public static final String OUTPUT = "last_hidden_state";

    private final int vocab;
    private final int positions;
    private final int hidden;
    private final int heads;
    private final int ffn;
    private final int layers;
    private final Random random;
    private final List<NodeProto> nodes = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private int matMuls = 100;
    private int constants;
    private String misfit;

    public TinyBertExport(int vocab, int positions, int hidden, int heads, int ffn, int layers, long seed) {
        this.vocab = vocab;
        this.positions = positions;
        this.hidden = hidden;
        this.heads = heads;
        this.ffn = ffn;
        this.layers = layers;
        this.random = new Random(seed);
    }

    /** Gives the projection under this node prefix one output column too many, to test shape checks. */
    public TinyBertExport withMisfitWeight(String nodePrefix) {
        this.misfit = nodePrefix;
        return this;
    }

    /** Writes the model to a file. */
    public Path write(Path file) throws IOException {
        Files.write(file, model().toByteArray());
        return file;
    }

    /** The model. */
    public ModelProto model() {
        String ids = "input_ids";
        String mask = "attention_mask";
        String types = "token_type_ids";

        // Additive mask (1 − m)·(−10000), (B, 1, 1, T), as Hugging Face builds it.
        String m = op("Unsqueeze", "/Unsqueeze", mask, longs("/Constant_1", 1));
        m = op("Unsqueeze", "/Unsqueeze_1", m, longs("/Constant_2", 2));
        m = op("Cast", "/Cast", List.of(m), List.of(intAttribute("to", TensorProto.DataType.FLOAT_VALUE)));
        String additiveMask = op("Mul", "/Mul", op("Sub", "/Sub", scalar("/Constant_3", 1f), m), scalar("/Constant_4", -10000f));

        String words = op("Gather", "/embeddings/word_embeddings/Gather", weights("embeddings.word_embeddings.weight", 1.0f, vocab, hidden), ids);
        String typed = op("Gather", "/embeddings/token_type_embeddings/Gather",
                weights("embeddings.token_type_embeddings.weight", 1.0f, 2, hidden), types);
        String seqLength = op("Slice", "/embeddings/Slice_shape", op("Shape", "/embeddings/Shape", ids),
                longs("/embeddings/Constant", 1), longs("/embeddings/Constant_1", 2));
        long[] positionIds = new long[positions];
        for (int p = 0; p < positions; p++) {
            positionIds[p] = p;
        }
        initializers.add(int64("embeddings.position_ids", new long[] {1, positions}, positionIds));
        String positionRange = op("Slice", "/embeddings/Slice", "embeddings.position_ids", longs("/embeddings/Constant_2", 0),
                seqLength, longs("/embeddings/Constant_3", 1));
        String placed = op("Gather", "/embeddings/position_embeddings/Gather",
                weights("embeddings.position_embeddings.weight", 1.0f, positions, hidden), positionRange);
        String x = op("Add", "/embeddings/Add_1", op("Add", "/embeddings/Add", words, typed), placed);
        x = layerNorm("/embeddings/LayerNorm", "embeddings.LayerNorm", x);

        for (int i = 0; i < layers; i++) {
            String node = "/encoder/layer." + i;
            String hf = "encoder.layer." + i;
            String q = splitHeads(node + "/attention/self/query", linear(node + "/attention/self/query", hf + ".attention.self.query", x, hidden, hidden), false);
            String k = splitHeads(node + "/attention/self/key", linear(node + "/attention/self/key", hf + ".attention.self.key", x, hidden, hidden), true);
            String v = splitHeads(node + "/attention/self/value", linear(node + "/attention/self/value", hf + ".attention.self.value", x, hidden, hidden), false);
            String scores = op("Div", node + "/attention/self/Div", op("MatMul", node + "/attention/self/MatMul", q, k),
                    scalar(node + "/attention/self/Constant_12", (float) Math.sqrt(hidden / heads)));
            String probs = op("Softmax", node + "/attention/self/Softmax",
                    List.of(op("Add", node + "/attention/self/Add", scores, additiveMask)), List.of(intAttribute("axis", -1)));
            String context = op("MatMul", node + "/attention/self/MatMul_1", probs, v);
            context = op("Transpose", node + "/attention/self/Transpose_3", List.of(context), List.of(intsAttribute("perm", 0, 2, 1, 3)));
            context = op("Reshape", node + "/attention/self/Reshape_3", context, longs(node + "/attention/self/Constant_15", 0, 0, hidden));
            String attention = linear(node + "/attention/output/dense", hf + ".attention.output.dense", context, hidden, hidden);
            x = layerNorm(node + "/attention/output/LayerNorm", hf + ".attention.output.LayerNorm",
                    op("Add", node + "/attention/output/Add", attention, x));

            String up = linear(node + "/intermediate/dense", hf + ".intermediate.dense", x, hidden, ffn);
            String act = node + "/intermediate/intermediate_act_fn";
            String erf = op("Erf", act + "/Erf", op("Div", act + "/Div", up, scalar(act + "/Constant", (float) Math.sqrt(2))));
            String gelu = op("Mul", act + "/Mul_1", op("Mul", act + "/Mul", up, op("Add", act + "/Add", erf, scalar(act + "/Constant_1", 1f))),
                    scalar(act + "/Constant_2", 0.5f));
            String down = linear(node + "/output/dense", hf + ".output.dense", gelu, ffn, hidden);
            x = layerNorm(node + "/output/LayerNorm", hf + ".output.LayerNorm", op("Add", node + "/output/Add", down, x));
        }
        nodes.add(NodeProto.newBuilder().setOpType("Identity").setName("/Identity_output").addInput(x).addOutput(OUTPUT).build());

        GraphProto graph = GraphProto.newBuilder().setName("tiny-bert")
                .addAllNode(nodes).addAllInitializer(initializers)
                .addInput(tokenInput(ids)).addInput(tokenInput(mask)).addInput(tokenInput(types))
                .addOutput(ValueInfoProto.newBuilder().setName(OUTPUT).setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE))))
                .build();
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("inlier-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(14)).setGraph(graph).build();
    }

    private String linear(String node, String hf, String x, int in, int out) {
        boolean misfits = node.equals(misfit);
        String weight = weights("onnx::MatMul_" + matMuls++, (float) (1 / Math.sqrt(in)), in, misfits ? out + 1 : out);
        return op("Add", node + "/Add", weights(hf + ".bias", 0.1f, out), op("MatMul", node + "/MatMul", x, weight));
    }

    /** {@code (B, T, D)} to {@code (B, H, T, dh)}, or {@code (B, H, dh, T)} for keys. */
    private String splitHeads(String node, String x, boolean transposed) {
        String split = op("Reshape", node + "/Reshape", x, longs(node + "/Constant", 0, 0, heads, hidden / heads));
        return op("Transpose", node + "/Transpose", List.of(split),
                List.of(transposed ? intsAttribute("perm", 0, 2, 3, 1) : intsAttribute("perm", 0, 2, 1, 3)));
    }

    private String layerNorm(String node, String hf, String x) {
        String centred = op("Sub", node + "/Sub", x, op("ReduceMean", node + "/ReduceMean", List.of(x), List.of(intsAttribute("axes", -1))));
        String variance = op("ReduceMean", node + "/ReduceMean_1",
                List.of(op("Pow", node + "/Pow", centred, scalar(node + "/Constant", 2f))), List.of(intsAttribute("axes", -1)));
        String std = op("Sqrt", node + "/Sqrt", op("Add", node + "/Add", variance, scalar(node + "/Constant_1", 1e-12f)));
        String gamma = initializer(hf + ".weight", floats(hidden, i -> 1 + 0.3f * (float) random.nextGaussian()), hidden);
        String beta = weights(hf + ".bias", 0.1f, hidden);
        return op("Add", node + "/Add_1", op("Mul", node + "/Mul", op("Div", node + "/Div", centred, std), gamma), beta);
    }

    private String op(String type, String name, String... inputs) {
        return op(type, name, List.of(inputs), List.of());
    }

    private String op(String type, String name, List<String> inputs, List<AttributeProto> attributes) {
        String output = name + "_output_0";
        nodes.add(NodeProto.newBuilder().setOpType(type).setName(name).addAllInput(inputs).addOutput(output)
                .addAllAttribute(attributes).build());
        return output;
    }

    private String weights(String name, float std, long... shape) {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        return initializer(name, floats((int) count, i -> std * (float) random.nextGaussian()), shape);
    }

    private String initializer(String name, float[] values, long... shape) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        initializers.add(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addAllDims(Arrays.stream(shape).boxed().toList()).setRawData(ByteString.copyFrom(raw.array())).build());
        return name;
    }

    private String scalar(String name, float value) {
        return constant(name, TensorProto.newBuilder().setDataType(TensorProto.DataType.FLOAT_VALUE).addFloatData(value).build());
    }

    private String longs(String name, long... values) {
        return constant(name, int64(name, new long[] {values.length}, values));
    }

    private String constant(String name, TensorProto value) {
        String output = name + "_output_" + constants++;
        nodes.add(NodeProto.newBuilder().setOpType("Constant").setName(name).addOutput(output)
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR).setT(value))
                .build());
        return output;
    }

    private static TensorProto int64(String name, long[] shape, long[] values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE);
        for (long d : shape) {
            t.addDims(d);
        }
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto intsAttribute(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static ValueInfoProto tokenInput(String name) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("sequence")).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.INT64_VALUE).setShape(shape))).build();
    }

    private static float[] floats(int count, IntFunction<Float> value) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = value.apply(i);
        }
        return values;
    }
}
