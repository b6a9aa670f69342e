package org.inlier.plugins.pretrained;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import onnx.Onnx.NodeProto;
import org.inlier.plugins.models.TransformerShape;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A BERT encoder exported to ONNX from Hugging Face Transformers: its size, read from the tensors,
 * and where each variable of Inlier's {@code PostLnEncoder} finds its values.
 *
 * <p>The export's conventions: embeddings, biases and LayerNorms keep their Hugging Face names
 * ({@code embeddings.word_embeddings.weight}, {@code encoder.layer.3.attention.self.query.bias},
 * {@code encoder.layer.3.output.LayerNorm.weight}, ...), while the projection weights become
 * anonymous initializers ({@code onnx::MatMul_NNN}, shape {@code [in, out]}, the layout of Inlier's
 * {@code x·W}); those are found through the node that consumes them
 * ({@code /encoder/layer.3/attention/self/query/MatMul}). The number of heads is no tensor: it is
 * read from the reshape that splits the heads in layer 0 ({@code [batch, seq, heads, headDim]}).
 *
 * <p>Token types: Inlier feeds single sentences, whose token type is 0 everywhere, so row 0 of
 * {@code embeddings.token_type_embeddings.weight} is added to every position embedding — exactly
 * what the original adds for type 0.
 */
final class BertCheckpoint {

    private static final String WORDS = "embeddings.word_embeddings.weight";
    private static final String POSITIONS = "embeddings.position_embeddings.weight";
    private static final String TOKEN_TYPES = "embeddings.token_type_embeddings.weight";
    private static final int MAX_LISTED = 12;
    private static final Pattern LAYER_INITIALIZER = Pattern.compile("encoder\\.layer\\.(\\d+)\\..*");
    private static final Pattern LAYER_NODE = Pattern.compile("/encoder/layer\\.(\\d+)/.*");

    /**
     * Where a variable's values come from.
     *
     * @param tensor      the ONNX initializer
     * @param description the initializer for messages, with the node that consumes it where the name alone says nothing
     */
    private record Source(String tensor, String description) {
    }

    private final OnnxGraph graph;
    private final int vocab;
    private final int positions;
    private final int hidden;
    private final int layers;
    private final int ffn;
    private final int heads;
    private final Map<String, Source> sources;

    private BertCheckpoint(OnnxGraph graph, int layers, int heads, Map<String, Source> sources) {
        this.graph = graph;
        long[] words = graph.shape(WORDS);
        this.vocab = (int) words[0];
        this.hidden = (int) words[1];
        this.positions = (int) graph.shape(POSITIONS)[0];
        this.ffn = (int) graph.shape("encoder.layer.0.intermediate.dense.bias")[0];
        this.layers = layers;
        this.heads = heads;
        this.sources = sources;
    }

    /**
     * Finds the BERT structure of an ONNX graph.
     *
     * @param heads the number of attention heads, or empty to read it from the graph
     * @throws IllegalArgumentException naming every missing tensor or node if the graph is not a
     *                                  BERT export, or if the number of heads cannot be found
     */
    static BertCheckpoint of(OnnxGraph graph, Optional<Integer> heads) {
        List<String> missing = new ArrayList<>();
        for (String name : List.of(WORDS, POSITIONS, "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias")) {
            if (!graph.hasInitializer(name)) {
                missing.add(name);
            }
        }
        // Every layer that leaves a trace (an initializer or node named after it) must be complete:
        // a layer with a missing piece is named, never silently cut off with the layers after it.
        int layers = 0;
        for (String name : graph.initializerNames()) {
            layers = Math.max(layers, layerIndex(name, LAYER_INITIALIZER) + 1);
        }
        for (NodeProto node : graph.nodesUnder("/encoder/layer.")) {
            layers = Math.max(layers, layerIndex(node.getName(), LAYER_NODE) + 1);
        }
        if (layers == 0) {
            missing.add("encoder.layer.0.* (no encoder.layer.0.output.LayerNorm.weight)");
        }
        if (!missing.isEmpty()) {
            throw notBert(graph, missing);
        }

        Map<String, Source> sources = new LinkedHashMap<>();
        named(graph, sources, missing, "embed.token.weight", WORDS);
        layerNorm(graph, sources, missing, "embed.ln", "embeddings.LayerNorm");
        for (int i = 0; i < layers; i++) {
            String inlier = "layer." + i;
            String hf = "encoder.layer." + i;
            String node = "/encoder/layer." + i;
            linear(graph, sources, missing, inlier + ".attn.q", node + "/attention/self/query", hf + ".attention.self.query");
            linear(graph, sources, missing, inlier + ".attn.k", node + "/attention/self/key", hf + ".attention.self.key");
            linear(graph, sources, missing, inlier + ".attn.v", node + "/attention/self/value", hf + ".attention.self.value");
            linear(graph, sources, missing, inlier + ".attn.out", node + "/attention/output/dense", hf + ".attention.output.dense");
            layerNorm(graph, sources, missing, inlier + ".ln1", hf + ".attention.output.LayerNorm");
            linear(graph, sources, missing, inlier + ".ffn.fc1", node + "/intermediate/dense", hf + ".intermediate.dense");
            linear(graph, sources, missing, inlier + ".ffn.fc2", node + "/output/dense", hf + ".output.dense");
            layerNorm(graph, sources, missing, inlier + ".ln2", hf + ".output.LayerNorm");
        }
        if (!missing.isEmpty()) {
            throw notBert(graph, missing);
        }
        int hidden = (int) graph.shape(WORDS)[1];
        return new BertCheckpoint(graph, layers, heads.orElseGet(() -> headsFromGraph(graph, hidden)), sources);
    }

    /** The layer a name belongs to, or −1. */
    private static int layerIndex(String name, Pattern pattern) {
        Matcher m = pattern.matcher(name);
        return m.matches() && m.group(1).length() < 6 ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Embedding rows: the vocabulary the model's tokenizer must have. */
    int vocab() {
        return vocab;
    }

    /** Rows of the position table: the longest sequence the model takes. */
    int positions() {
        return positions;
    }

    /** Where the model came from, for messages. */
    String source() {
        return graph.source();
    }

    /**
     * The encoder's size for sequences of {@code seq} tokens.
     *
     * @throws IllegalArgumentException if {@code seq} exceeds the position table
     */
    TransformerShape shape(int seq) {
        if (seq > positions) {
            throw new IllegalArgumentException("seq " + seq + " is longer than the position table of " + graph.source()
                    + " (" + positions + " positions); use seq <= " + positions);
        }
        return new TransformerShape(layers, hidden, heads, ffn, seq, 0.0);
    }

    /**
     * Sets every trainable variable of an encoder graph built with {@link #shape(int)} from the
     * checkpoint. Variables BERT does not have (an attention variant's own, such as the gates of
     * gated attention) keep their initial values, so a pretrained model can be retrofitted.
     *
     * @throws IllegalArgumentException naming the ONNX tensor whose shape does not fit its variable
     */
    void load(SameDiff sd, int seq) {
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() != VariableType.VARIABLE) {
                continue;
            }
            INDArray target = v.getArr();
            if (v.name().equals("embed.position.weight")) {
                target.assign(positionEmbeddings(seq));
                continue;
            }
            Source source = sources.get(v.name());
            if (source == null) {
                continue;
            }
            if (!Arrays.equals(graph.shape(source.tensor()), target.shape())) {
                throw new IllegalArgumentException(source.description() + " of " + graph.source() + " has shape "
                        + Arrays.toString(graph.shape(source.tensor())) + ", but Inlier's " + v.name() + " needs "
                        + Arrays.toString(target.shape()));
            }
            target.assign(graph.floats(source.tensor()));
        }
    }

    /** The first {@code seq} position embeddings plus the token-type-0 embedding (see the class description). */
    private INDArray positionEmbeddings(int seq) {
        INDArray table = graph.floats(POSITIONS).get(NDArrayIndex.interval(0, seq), NDArrayIndex.all()); // (T, D)
        if (graph.hasInitializer(TOKEN_TYPES)) {
            table = table.addRowVector(graph.floats(TOKEN_TYPES).getRow(0));
        }
        return table;
    }

    private static void named(OnnxGraph graph, Map<String, Source> sources, List<String> missing, String variable, String tensor) {
        if (graph.hasInitializer(tensor)) {
            sources.put(variable, new Source(tensor, "ONNX tensor '" + tensor + "'"));
        } else {
            missing.add(tensor);
        }
    }

    private static void layerNorm(OnnxGraph graph, Map<String, Source> sources, List<String> missing, String variable, String hf) {
        named(graph, sources, missing, variable + ".gamma", hf + ".weight");
        named(graph, sources, missing, variable + ".beta", hf + ".bias");
    }

    /** A projection: its weight through the MatMul node, its bias by name. */
    private static void linear(OnnxGraph graph, Map<String, Source> sources, List<String> missing, String variable,
                               String node, String hf) {
        String matMul = node + "/MatMul";
        Optional<String> weight = graph.node(matMul).flatMap(graph::initializerInput);
        if (weight.isPresent()) {
            sources.put(variable + ".weight", new Source(weight.get(),
                    "ONNX tensor '" + weight.get() + "' (the weight of node " + matMul + ")"));
        } else {
            missing.add("node " + matMul + " with a weight initializer");
        }
        named(graph, sources, missing, variable + ".bias", hf + ".bias");
    }

    /** The heads of the {@code [batch, seq, heads, headDim]} reshape in layer 0's self-attention. */
    private static int headsFromGraph(OnnxGraph graph, int hidden) {
        for (NodeProto node : graph.nodesUnder("/encoder/layer.0/attention/self/")) {
            if (node.getOpType().equals("Reshape") && node.getInputCount() == 2) {
                Optional<long[]> target = graph.staticInts(node.getInput(1));
                if (target.isPresent() && target.get().length == 4 && target.get()[2] > 0
                        && target.get()[2] * target.get()[3] == hidden) {
                    return (int) target.get()[2];
                }
            }
        }
        throw new IllegalArgumentException("cannot tell the number of attention heads of " + graph.source()
                + ": no reshape to [batch, seq, heads, headDim] under /encoder/layer.0/attention/self/; set the option 'heads'");
    }

    private static IllegalArgumentException notBert(OnnxGraph graph, List<String> missing) {
        return new IllegalArgumentException(graph.source() + " is not a BERT encoder exported from Hugging Face"
                + " Transformers: missing " + listed(missing));
    }

    private static String listed(List<String> names) {
        if (names.size() <= MAX_LISTED) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, MAX_LISTED)) + " and " + (names.size() - MAX_LISTED) + " more";
    }
}
