package org.inlier.plugins.onnx;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.BaseReduceOp;
import org.nd4j.linalg.api.ops.BaseScalarOp;
import org.nd4j.linalg.api.ops.DynamicCustomOp;

/**
 * The ONNX nodes of one SameDiff op: the mapping for every op Inlier's model families and
 * attention variants put in an inference graph. An op outside it fails with its name and the list
 * of ops the exporter knows, rather than producing a file that computes something else.
 *
 * <p>Ranks are tracked alongside (ONNX needs them for transposes and per-channel axes; SameDiff
 * infers shapes only when the graph runs).
 */
final class OpMapping {

    /**
     * The epsilon written into {@code LayerNormalization}. ND4J's {@code layer_norm} adds none that
     * can be measured: a row of variance 2.5e-13 still standardises to ±1 (see {@code OpMappingTest}),
     * where even BERT's 1e-12 would give ±0.45. 1e-30 lies far below the variance of any float32
     * row that is not constant, and keeps a constant row at 0 instead of 0/0.
     */
    static final float LAYER_NORM_EPSILON = 1e-30f;

    /** ND4J's GELU is the sigmoid approximation {@code x·σ(1.702·x)}. */
    private static final float GELU_SIGMOID_FACTOR = 1.702f;

    private static final Map<String, String> ELEMENTWISE = Map.of("add", "Add", "subtract", "Sub", "multiply", "Mul", "divide", "Div",
            "maximum", "Max", "minimum", "Min");
    private static final Map<String, String> UNARY = Map.of("erf", "Erf", "neg", "Neg", "sigmoid", "Sigmoid", "tanh", "Tanh",
            "exp", "Exp", "log", "Log", "sqrt", "Sqrt", "relu", "Relu", "abs", "Abs");
    private static final Map<String, String> SCALAR = Map.of("add_scalar", "Add", "sub_scalar", "Sub", "mul_scalar", "Mul",
            "div_scalar", "Div", "rsub_scalar", "Sub", "rdiv_scalar", "Div", "max_scalar", "Max", "min_scalar", "Min");
    private static final Map<String, String> REDUCE = Map.of("reduce_sum", "ReduceSum", "reduce_mean", "ReduceMean",
            "reduce_max", "ReduceMax", "reduce_min", "ReduceMin");

    private final OnnxGraphBuilder g;
    private final Map<String, Integer> ranks;
    private int constants;

    /**
     * @param ranks the rank of every tensor known so far by name; the mapping adds the ranks of its outputs
     */
    OpMapping(OnnxGraphBuilder g, Map<String, Integer> ranks) {
        this.g = g;
        this.ranks = ranks;
    }

    /** The op names this mapping translates. */
    static String supported() {
        TreeSet<String> names = new TreeSet<>();
        names.addAll(ELEMENTWISE.keySet());
        names.addAll(UNARY.keySet());
        names.addAll(SCALAR.keySet());
        names.addAll(REDUCE.keySet());
        names.addAll(List.of("matmul", "reshape", "permute", "layer_norm", "softmax", "log_softmax", "gelu", "onehot", "gather",
                "cast", "clipbyvalue", "identity"));
        return String.join(", ", names);
    }

    /**
     * Emits the nodes of one op.
     *
     * @throws IllegalArgumentException if the op has no mapping, naming it and its output
     */
    void translate(DifferentialFunction op) {
        String name = op.opName();
        String[] in = op.argNames();
        String out = op.outputVariablesNames()[0];
        if (ELEMENTWISE.containsKey(name)) {
            g.node(ELEMENTWISE.get(name), List.of(in[0], in[1]), List.of(out));
            rank(out, Math.max(rank(in[0]), rank(in[1])));
        } else if (UNARY.containsKey(name)) {
            g.node(UNARY.get(name), List.of(in[0]), List.of(out));
            rank(out, rank(in[0]));
        } else if (SCALAR.containsKey(name)) {
            String c = scalar(((BaseScalarOp) op).scalar().getDouble(0), op.outputVariables()[0].dataType());
            boolean reversed = name.startsWith("r");
            g.node(SCALAR.get(name), reversed ? List.of(c, in[0]) : List.of(in[0], c), List.of(out));
            rank(out, rank(in[0]));
        } else if (REDUCE.containsKey(name)) {
            reduce((BaseReduceOp) op, REDUCE.get(name), in[0], out);
        } else {
            special(op, name, in, out);
        }
    }

    private void special(DifferentialFunction op, String name, String[] in, String out) {
        switch (name) {
            case "matmul" -> matmul((DynamicCustomOp) op, in, out);
            case "reshape" -> reshape((DynamicCustomOp) op, in, out);
            case "permute" -> {
                long[] perm = ((DynamicCustomOp) op).iArgs();
                require(perm.length > 0, op, "a permutation given as a graph variable");
                g.node("Transpose", List.of(in[0]), List.of(out), OnnxGraphBuilder.intsAttribute("perm", perm));
                rank(out, perm.length);
            }
            case "layer_norm" -> layerNorm((DynamicCustomOp) op, in, out);
            case "softmax", "log_softmax" -> {
                long[] dims = ((DynamicCustomOp) op).iArgs();
                long axis = dims.length == 0 ? -1 : dims[0];
                g.node(name.equals("softmax") ? "Softmax" : "LogSoftmax", List.of(in[0]), List.of(out), OnnxGraphBuilder.intAttribute("axis", axis));
                rank(out, rank(in[0]));
            }
            case "gelu" -> {
                String scaled = out + "/scaled";
                String gate = out + "/sigmoid";
                g.node("Mul", List.of(in[0], scalar(GELU_SIGMOID_FACTOR, DataType.FLOAT)), List.of(scaled));
                g.node("Sigmoid", List.of(scaled), List.of(gate));
                g.node("Mul", List.of(in[0], gate), List.of(out));
                rank(out, rank(in[0]));
            }
            case "onehot" -> oneHot((DynamicCustomOp) op, in, out);
            case "gather" -> {
                long[] axis = ((DynamicCustomOp) op).iArgs();
                require(in.length == 2 && axis.length == 1, op, "indices or an axis given as graph variables");
                g.node("Gather", List.of(in[0], in[1]), List.of(out), OnnxGraphBuilder.intAttribute("axis", axis[0]));
                rank(out, rank(in[0]) + rank(in[1]) - 1);
            }
            case "cast" -> {
                DataType to = op.outputVariables()[0].dataType();
                g.node("Cast", List.of(in[0]), List.of(out), OnnxGraphBuilder.intAttribute("to", OnnxGraphBuilder.onnxType(to).getNumber()));
                rank(out, rank(in[0]));
            }
            case "clipbyvalue" -> {
                double[] bounds = ((DynamicCustomOp) op).tArgs();
                require(in.length == 1 && bounds.length == 2, op, "bounds given as graph variables");
                DataType type = op.outputVariables()[0].dataType();
                g.node("Clip", List.of(in[0], scalar(bounds[0], type), scalar(bounds[1], type)), List.of(out));
                rank(out, rank(in[0]));
            }
            case "identity" -> {
                g.node("Identity", List.of(in[0]), List.of(out));
                rank(out, rank(in[0]));
            }
            default -> throw new IllegalArgumentException("op '" + name + "' (" + op.getClass().getSimpleName() + ", output " + out
                    + ") has no ONNX mapping in the exporter; it maps: " + supported());
        }
    }

    /** ND4J's matmul with its transpose flags: {@code (a or aᵀ) · (b or bᵀ)}, transposing the last two axes. */
    private void matmul(DynamicCustomOp op, String[] in, String out) {
        long[] flags = op.iArgs(); // transposeA, transposeB, transposeResult
        require(flags.length == 0 || flags.length >= 2 && (flags.length < 3 || flags[2] == 0), op, "a transposed result");
        double[] alphaBeta = op.tArgs();
        require(alphaBeta.length == 0 || alphaBeta[0] == 1.0, op, "a scaled product (alpha ≠ 1)");
        String a = flags.length > 0 && flags[0] != 0 ? transposeLastTwo(in[0], out + "/a_t") : in[0];
        String b = flags.length > 1 && flags[1] != 0 ? transposeLastTwo(in[1], out + "/b_t") : in[1];
        g.node("MatMul", List.of(a, b), List.of(out));
        rank(out, Math.max(rank(in[0]), rank(in[1])));
    }

    private String transposeLastTwo(String x, String out) {
        int r = rank(x);
        long[] perm = new long[r];
        Arrays.setAll(perm, i -> i);
        perm[r - 2] = r - 1;
        perm[r - 1] = r - 2;
        g.node("Transpose", List.of(x), List.of(out), OnnxGraphBuilder.intsAttribute("perm", perm));
        rank(out, r);
        return out;
    }

    /** ND4J's reshape iArgs are {@code [order, dims...]}, order −99 for 'c' (row-major, as ONNX). */
    private void reshape(DynamicCustomOp op, String[] in, String out) {
        long[] args = op.iArgs();
        require(args.length > 1 && (args[0] == -99 || args[0] == 'c'), op, "a shape given as a graph variable or Fortran order");
        long[] shape = Arrays.copyOfRange(args, 1, args.length);
        String target = out + "/shape";
        g.longs(target, new long[] {shape.length}, shape);
        g.node("Reshape", List.of(in[0], target), List.of(out));
        rank(out, shape.length);
    }

    /** LayerNormalization over the trailing axes ND4J normalises (its {@code dimensions} must be the last ones). */
    private void layerNorm(DynamicCustomOp op, String[] in, String out) {
        int r = rank(in[0]);
        long[] dims = op.iArgs();
        long[] sorted = Arrays.stream(dims).map(d -> d < 0 ? d + r : d).sorted().toArray();
        for (int i = 0; i < sorted.length; i++) {
            require(sorted[i] == r - sorted.length + i, op, "normalisation over axes " + Arrays.toString(dims) + " that are not the last ones");
        }
        List<String> inputs = in.length >= 3 ? List.of(in[0], in[1], in[2]) : List.of(in[0], in[1]);
        g.node("LayerNormalization", inputs, List.of(out), OnnxGraphBuilder.intAttribute("axis", r - sorted.length),
                OnnxGraphBuilder.floatAttribute("epsilon", LAYER_NORM_EPSILON));
        rank(out, r);
    }

    /** ND4J's one-hot: iArgs {@code [axis, depth]}, tArgs {@code [on, off]}; ONNX takes depth and {@code [off, on]} as inputs. */
    private void oneHot(DynamicCustomOp op, String[] in, String out) {
        long[] args = op.iArgs();
        double[] values = op.tArgs();
        require(in.length == 1 && args.length == 2 && values.length == 2, op, "depth or values given as graph variables");
        // A float depth: ONNX Runtime's OneHot kernels take int32 indices only with a float depth.
        String depth = out + "/depth";
        g.floats(depth, new long[0], new float[] {args[1]});
        String onOff = out + "/values";
        g.floats(onOff, new long[] {2}, new float[] {(float) values[1], (float) values[0]});
        g.node("OneHot", List.of(in[0], depth, onOff), List.of(out), OnnxGraphBuilder.intAttribute("axis", args[0]));
        rank(out, rank(in[0]) + 1);
    }

    /** Sum, mean, max, min over ND4J's dimensions (or everything); ONNX opset 18+ takes the axes as an input. */
    private void reduce(BaseReduceOp op, String onnxOp, String in, String out) {
        int r = rank(in);
        int[] dims = op.getDimensions();
        boolean all = dims == null || dims.length == 0 || dims.length == 1 && dims[0] == Integer.MAX_VALUE;
        long keep = op.isKeepDims() ? 1 : 0;
        if (all) {
            g.node(onnxOp, List.of(in), List.of(out), OnnxGraphBuilder.intAttribute("keepdims", keep));
            rank(out, op.isKeepDims() ? r : 0);
        } else {
            String axes = out + "/axes";
            g.longs(axes, new long[] {dims.length}, Arrays.stream(dims).asLongStream().toArray());
            g.node(onnxOp, List.of(in, axes), List.of(out), OnnxGraphBuilder.intAttribute("keepdims", keep));
            rank(out, op.isKeepDims() ? r : r - dims.length);
        }
    }

    private String scalar(double value, DataType type) {
        String name = "constant_" + constants++;
        if (type == DataType.DOUBLE) {
            g.initializer(name, org.nd4j.linalg.factory.Nd4j.scalar(value));
        } else {
            g.floats(name, new long[0], new float[] {(float) value});
        }
        return name;
    }

    private int rank(String name) {
        Integer r = ranks.get(name);
        if (r == null) {
            throw new IllegalStateException("the rank of " + name + " is unknown: its producer was not translated first");
        }
        return r;
    }

    private void rank(String name, int r) {
        ranks.put(name, r);
    }

    private static void require(boolean condition, DifferentialFunction op, String what) {
        if (!condition) {
            throw new IllegalArgumentException("op '" + op.opName() + "' (output " + op.outputVariablesNames()[0] + ") uses " + what
                    + ", which the ONNX exporter does not map");
        }
    }
}
