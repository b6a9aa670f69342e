package org.inlier.plugins.onnx;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import onnx.Onnx.ModelProto;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Translates a model's SameDiff graph, op by op, into an ONNX model — the floating-point graph, or
 * with {@code QuantizeLinear}/{@code DequantizeLinear} at every site {@link QdqSites} marked
 * ({@code onnx-qdq}). Only the ops the requested outputs depend on are written; trainable variables
 * and constants become initializers, placeholders become the graph's inputs, and every tensor keeps
 * its SameDiff name, so feeds and fetches are named as in Inlier.
 *
 * <p>Translating the graph rather than re-describing each architecture means every model family
 * whose ops {@link OpMapping} knows exports as it is built, attention variants included.
 */
public final class OnnxExport {

    private static final String PRODUCER = "inlier";

    private final ModelProto model;
    private final Encodings encodings;

    private OnnxExport(ModelProto model, Encodings encodings) {
        this.model = model;
        this.encodings = encodings;
    }

    /**
     * Exports a graph.
     *
     * @param sd      the graph, with the arrays of its variables and constants set
     * @param sites   the sites marked while the graph was built, or {@code null} for a floating-point export
     * @param inputs  the placeholders that may be fed, in order; those the outputs do not need are left out
     * @param outputs the variables to fetch
     * @param name    the graph's name
     * @throws IllegalArgumentException if the outputs need an op the exporter does not map (the message
     *                                  names it), or a placeholder outside {@code inputs}
     */
    public static OnnxExport of(SameDiff sd, QdqSites sites, List<String> inputs, List<String> outputs, String name) {
        Map<String, QdqSites.Marked> marked = sites == null ? Map.of() : sites.marked();
        OnnxGraphBuilder g = new OnnxGraphBuilder();
        Map<String, Integer> ranks = new HashMap<>();
        List<DifferentialFunction> ops = needed(sd, outputs);
        Set<String> read = new HashSet<>(outputs);
        ops.forEach(op -> read.addAll(List.of(op.argNames())));
        for (String input : inputs) {
            SDVariable v = Objects.requireNonNull(sd.getVariable(input), () -> "no placeholder " + input + " in the graph");
            if (read.contains(input)) {
                g.input(input, v.dataType(), v.placeholderShape());
                ranks.put(input, v.placeholderShape().length);
            }
        }
        Set<String> initializers = new HashSet<>();
        OpMapping mapping = new OpMapping(g, ranks);
        Encodings encodings = new Encodings();
        for (DifferentialFunction op : ops) {
            String out = op.outputVariablesNames()[0];
            QdqSites.Marked site = marked.get(out);
            if (site != null && isArray(sd.getVariable(site.input()))) {
                QdqNodes.weight(g, site.site().name(), site.params(), sd.getVariable(site.input()).getArr(), out);
                ranks.put(out, sd.getVariable(site.input()).getArr().rank());
                encodings.add(site.site(), site.params(), out);
                continue;
            }
            for (String arg : op.argNames()) {
                declare(sd, arg, inputs, initializers, g, ranks);
            }
            if (site != null) {
                QdqNodes.activation(g, site.site().name(), site.params(), site.input(), out, ranks.get(site.input()));
                ranks.put(out, ranks.get(site.input()));
                encodings.add(site.site(), site.params(), out);
            } else {
                mapping.translate(op);
            }
        }
        for (String output : outputs) {
            SDVariable v = sd.getVariable(output);
            if (isArray(v)) {
                // A constant output (an encoder's loss of 0): ONNX outputs come from nodes, so an Identity reads the value.
                if (initializers.contains(output)) {
                    throw new IllegalArgumentException("output " + output + " is a constant that ops also read; export the op's output instead");
                }
                g.initializer(output + "/value", v.getArr());
                g.node("Identity", List.of(output + "/value"), List.of(output));
            } else {
                declare(sd, output, inputs, initializers, g, ranks);
            }
            g.output(output, v.dataType());
        }
        return new OnnxExport(g.build(name, PRODUCER), encodings);
    }

    /** The ONNX model. */
    public ModelProto model() {
        return model;
    }

    /** The model as the bytes of an {@code .onnx} file. */
    public byte[] bytes() {
        return model.toByteArray();
    }

    /** The encodings of every quantized site (empty for a floating-point export). */
    public Encodings encodings() {
        return encodings;
    }

    /** The ops the outputs depend on, in the graph's (topological) order. */
    private static List<DifferentialFunction> needed(SameDiff sd, List<String> outputs) {
        Set<String> neededOps = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>(outputs);
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            String variable = pending.pop();
            if (!seen.add(variable)) {
                continue;
            }
            if (!sd.hasVariable(variable)) {
                throw new IllegalArgumentException("no variable " + variable + " in the graph");
            }
            DifferentialFunction producer = sd.getVariableOutputOp(variable);
            if (producer != null && neededOps.add(producer.getOwnName())) {
                for (String arg : producer.argNames()) {
                    pending.push(arg);
                }
            }
        }
        List<DifferentialFunction> ordered = new ArrayList<>();
        for (DifferentialFunction op : sd.ops()) {
            if (neededOps.contains(op.getOwnName())) {
                ordered.add(op);
            }
        }
        return ordered;
    }

    private static boolean isArray(SDVariable v) {
        return v.getVariableType() == VariableType.VARIABLE || v.getVariableType() == VariableType.CONSTANT;
    }

    /** Writes a variable or constant as an initializer the first time an op reads it; checks placeholders are inputs. */
    private static void declare(SameDiff sd, String name, List<String> inputs, Set<String> initializers, OnnxGraphBuilder g,
                                Map<String, Integer> ranks) {
        SDVariable v = sd.getVariable(name);
        if (v.getVariableType() == VariableType.PLACEHOLDER && !inputs.contains(name)) {
            throw new IllegalArgumentException("the exported outputs need placeholder " + name + ", which is not among the inputs " + inputs);
        }
        if (isArray(v) && initializers.add(name)) {
            INDArray array = v.getArr();
            g.initializer(name, array);
            ranks.put(name, array.rank());
        }
    }
}
