package org.inlier.plugins.backends.int8.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.inlier.api.backend.QuantizedRunner;
import org.inlier.plugins.backends.int8.ActivationGrid;
import org.inlier.plugins.backends.int8.ActivationProduct;
import org.inlier.plugins.backends.int8.ElementwiseKernel;
import org.inlier.plugins.backends.int8.Int8Gemm;
import org.inlier.plugins.backends.int8.QuantizedLinear;
import org.inlier.plugins.backends.int8.QuantizedModelFile;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A whole quantized transformer executed by int8-jvm, from the quantize stage's file, in mixed form:
 *
 * <ul>
 *   <li><b>in integers</b>: every linear layer (int8 × int8 → int32, bias on the accumulator grid,
 *       requantised by an integer multiplier and shift, {@link QuantizedLinear}), and attention's
 *       {@code Q Kᵀ / √d} and {@code P V} ({@link ActivationProduct}); weights live as int8 (int4
 *       packed two per byte at ≤ 4 bits), embedding tables as int8 with their scales;</li>
 *   <li><b>in float32 on dequantised values</b>: the embedding sum, LayerNorm, softmax with its
 *       causal or padding mask, GELU, the residual additions, and decoder-clm's LM head (which the
 *       placement profiles keep in float); each result is quantized to its site's grid exactly
 *       as the fake-quant simulation does ({@link ActivationGrid}).</li>
 * </ul>
 *
 * <p>The integer operations need their operand sites quantized per tensor at ≤ 8 bits: the inputs
 * of every linear layer, Q, K, V and the attention probabilities; loading fails naming the site
 * otherwise. Their output sites (scores, context, projections) may be in float: the accumulators
 * are then dequantised. Only softmax attention ({@code vanilla}) is executed.
 */
public final class IntegerTransformer implements QuantizedRunner {

    /** bert-onnx's padding id: keys with this id get no attention. */
    static final int PAD_ID = 0;
    /** The families' placeholders: token ids {@code (B, T)} and, in decoder-clm, next-token targets. */
    private static final String TOKENS = "tokens";
    private static final String TARGETS = "targets";

    private final Architecture architecture;
    private final int heads;
    private final int hidden;
    private final Int8Gemm gemm;
    private final Map<String, ActivationGrid> grids = new HashMap<>();
    private final EmbeddingTable tokens;
    private final EmbeddingTable positions;
    private final Norm embedNorm;
    private final List<Block> blocks = new ArrayList<>();
    private final Norm finalNorm;
    private final float[] headWeight;
    private final float[] headBias;
    private long floatParameters;

    /** A LayerNorm's γ and β, and the scale of the post-LN shortcut that reads its output (ones before any rewrite). */
    private record Norm(float[] gamma, float[] beta, float[] shortcut) {
    }

    /** One transformer block's integer layers and LayerNorms, named {@code layer.i}. */
    private record Block(String name, QuantizedLinear q, QuantizedLinear k, QuantizedLinear v, QuantizedLinear out,
                         QuantizedLinear fc1, QuantizedLinear fc2, Norm first, Norm second) {
    }

    /**
     * Loads a quantized model.
     *
     * @param model        the quantize stage's output
     * @param architecture how the family's blocks are wired
     * @param heads        attention heads (the file does not record them)
     * @param gemm         the integer product every layer runs on
     * @throws IllegalArgumentException naming the site, array or option int8-jvm cannot execute
     */
    public IntegerTransformer(QuantizedModelFile model, Architecture architecture, int heads, Int8Gemm gemm) {
        this.architecture = architecture;
        this.heads = heads;
        this.gemm = gemm;
        for (String site : model.activationSites()) {
            if (!site.startsWith("head.") || architecture == Architecture.PRE_LN_DECODER) {
                grids.put(site, ActivationGrid.of(site, model.params(site)));
            }
        }
        this.tokens = table(model, "embed.token.weight");
        this.positions = table(model, "embed.position.weight");
        this.hidden = positions.cols();
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden " + hidden + " of " + model.file() + " is not divisible by heads " + heads);
        }
        boolean encoder = architecture == Architecture.POST_LN_ENCODER;
        this.embedNorm = encoder ? norm(model, "embed.ln") : null;
        String previousNorm = "embed.ln";
        for (int i = 0; model.hasFloat("layer." + i + ".attn.q.bias"); i++) {
            String l = "layer." + i;
            String qkvInput = encoder ? previousNorm + ".out" : l + ".ln1.out";
            String fc1Input = (encoder ? l + ".ln1" : l + ".ln2") + ".out";
            for (String operand : List.of(qkvInput, l + ".attn.q", l + ".attn.k", l + ".attn.v", l + ".attn.probs",
                    l + ".attn.context", fc1Input, l + ".ffn.hidden")) {
                require(model, operand);
            }
            blocks.add(new Block(l,
                    linear(model, l + ".attn.q", qkvInput, l + ".attn.q"),
                    linear(model, l + ".attn.k", qkvInput, l + ".attn.k"),
                    linear(model, l + ".attn.v", qkvInput, l + ".attn.v"),
                    linear(model, l + ".attn.out", l + ".attn.context", l + ".attn.out"),
                    linear(model, l + ".ffn.fc1", fc1Input, l + ".ffn.fc1"),
                    linear(model, l + ".ffn.fc2", l + ".ffn.hidden", l + ".ffn.out"),
                    norm(model, l + ".ln1"), norm(model, l + ".ln2")));
            previousNorm = l + ".ln2";
        }
        if (blocks.isEmpty()) {
            throw new IllegalArgumentException(model.file() + " has no layer.0: not a " + architecture.family() + " model");
        }
        this.finalNorm = encoder ? null : norm(model, "final_ln");
        this.headWeight = encoder ? null : headWeight(model);
        this.headBias = encoder ? null : floats(model, "head.bias");
    }

    /** The family's output for its {@code tokens} placeholder: decoder-clm's logits {@code (B, T, V)}, or bert-onnx's last hidden state {@code (B, T, D)}. */
    @Override
    public INDArray output(Map<String, INDArray> feeds) {
        int[][] tokenIds = feed(feeds, TOKENS).toIntMatrix();
        float[] y = forward(tokenIds, SiteTap.NONE);
        int b = tokenIds.length;
        int t = tokenIds[0].length;
        return Nd4j.create(y, new long[] {b, t, y.length / ((long) b * t)}, 'c');
    }

    /** decoder-clm's mean next-token cross-entropy (nats) over every position of the batch; NaN for bert-onnx, which has no loss. */
    @Override
    public double loss(Map<String, INDArray> feeds, INDArray output) {
        if (architecture != Architecture.PRE_LN_DECODER) {
            return Double.NaN;
        }
        int[] targets = feed(feeds, TARGETS).castTo(DataType.INT32).dup('c').data().asInt();
        int vocab = (int) output.size(2);
        float[] logits = output.castTo(DataType.FLOAT).dup('c').data().asFloat(); // (B·T, V)
        double sum = 0;
        for (int r = 0; r < targets.length; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) {
                max = Math.max(max, logits[r * vocab + v]);
            }
            double partition = 0;
            for (int v = 0; v < vocab; v++) {
                partition += Math.exp(logits[r * vocab + v] - max);
            }
            sum += max + Math.log(partition) - logits[r * vocab + targets[r]];
        }
        return sum / targets.length;
    }

    @Override
    public String description() {
        return architecture.family() + " on int8-jvm (" + gemm.description() + "; " + ElementwiseKernel.FASTEST.description() + "): integer linear layers and attention products, "
                + "float32 embedding sum, LayerNorm, softmax, GELU and residuals" + (headBias != null ? ", float LM head" : "");
    }

    /**
     * Runs the model on a batch of token ids.
     *
     * @param tokenIds {@code (B, T)} ids, every row of the same length T, at most the position table's rows;
     *                 for bert-onnx, id {@value #PAD_ID} is padding
     * @param tap      sees (and may replace) every quantized activation site's levels
     * @return decoder-clm's logits {@code (B, T, V)} or bert-onnx's last hidden state {@code (B, T, D)}, row-major
     * @throws IllegalArgumentException if the batch is empty, ragged, too long or has an id outside the vocabulary
     */
    public float[] forward(int[][] tokenIds, SiteTap tap) {
        int batch = tokenIds.length;
        int t = batch == 0 ? 0 : tokenIds[0].length;
        if (batch == 0 || t == 0 || t > positions.rows()) {
            throw new IllegalArgumentException("a batch needs at least one sequence of 1 to " + positions.rows() + " tokens");
        }
        float[] sum = new float[batch * t * hidden];
        float[] position = new float[hidden];
        for (int b = 0; b < batch; b++) {
            if (tokenIds[b].length != t) {
                throw new IllegalArgumentException("sequence " + b + " has " + tokenIds[b].length + " tokens, sequence 0 has " + t);
            }
            for (int s = 0; s < t; s++) {
                int o = (b * t + s) * hidden;
                tokens.row(tokenIds[b][s], sum, o);
                positions.row(s, position, 0);
                for (int d = 0; d < hidden; d++) {
                    sum[o + d] += position[d];
                }
            }
        }
        Pass pass = new Pass(tokenIds, tap);
        Activation x = pass.site("embed.sum", sum, hidden);
        if (architecture == Architecture.POST_LN_ENCODER) {
            x = pass.site("embed.ln.out", layerNorm(x, embedNorm), hidden);
            Norm previous = embedNorm;
            for (Block block : blocks) {
                x = pass.postLnBlock(block, x, previous);
                previous = block.second();
            }
            return x.values();
        }
        for (Block block : blocks) {
            x = pass.preLnBlock(block, x);
        }
        Activation last = pass.site("final_ln.out", layerNorm(x, finalNorm), hidden);
        int vocab = headBias.length;
        float[] logits = new float[x.rows() * vocab];
        for (int r = 0; r < x.rows(); r++) {
            for (int v = 0; v < vocab; v++) {
                float acc = 0;
                for (int d = 0; d < hidden; d++) {
                    acc += last.values()[r * hidden + d] * headWeight[d * vocab + v];
                }
                logits[r * vocab + v] = acc + headBias[v];
            }
        }
        return pass.site("head.logits", logits, vocab).values();
    }

    /** Bytes the model's parameters occupy here: integer weights and tables, their scales, and the float parameters. */
    @Override
    public long parameterBytes() {
        long bytes = tokens.bytes() + positions.bytes() + 4 * floatParameters;
        for (Block b : blocks) {
            for (QuantizedLinear l : List.of(b.q(), b.k(), b.v(), b.out(), b.fc1(), b.fc2())) {
                bytes += l.weightBytes() + 4L * 3 * l.out(); // + bias, accumulator scale, requantisation per column
            }
        }
        return bytes;
    }

    /** One forward pass: the batch's shape and padding, and the tap. */
    private final class Pass {

        private final int batch;
        private final int t;
        private final int[][] tokenIds;
        private final SiteTap tap;

        Pass(int[][] tokenIds, SiteTap tap) {
            this.tokenIds = tokenIds;
            this.batch = tokenIds.length;
            this.t = tokenIds[0].length;
            this.tap = tap;
        }

        /** {@code x + attn(LN1(x))}, then {@code + ffn(LN2(·))}; the first LayerNorm's input is a site of its own. */
        Activation preLnBlock(Block block, Activation x) {
            String l = block.name();
            Activation normInput = site(l + ".ln1.in", x.values(), hidden);
            Activation attnInput = site(l + ".ln1.out", layerNorm(normInput, block.first()), hidden);
            Activation mid = site(l + ".attn.residual", add(x.values(), null, attention(block, attnInput).values()), hidden);
            Activation ffnInput = site(l + ".ln2.out", layerNorm(mid, block.second()), hidden);
            return site(l + ".ffn.residual", add(mid.values(), null, feedForward(block, ffnInput).values()), hidden);
        }

        /** {@code LN1(x ⊙ shortcut + attn(x))}, then {@code LN2(h ⊙ shortcut + ffn(h))}. */
        Activation postLnBlock(Block block, Activation x, Norm previous) {
            String l = block.name();
            Activation attnSum = site(l + ".attn.residual", add(x.values(), previous.shortcut(), attention(block, x).values()), hidden);
            Activation h = site(l + ".ln1.out", layerNorm(attnSum, block.first()), hidden);
            Activation ffnSum = site(l + ".ffn.residual", add(h.values(), block.first().shortcut(), feedForward(block, h).values()), hidden);
            return site(l + ".ln2.out", layerNorm(ffnSum, block.second()), hidden);
        }

        Activation feedForward(Block block, Activation x) {
            float[] h = block.fc1().real(x.levels(), x.rows());
            if (architecture == Architecture.POST_LN_ENCODER) {
                ElementwiseKernel.FASTEST.erfGelu(h);
            } else {
                ElementwiseKernel.FASTEST.sigmoidGelu(h);
            }
            return linear(block.fc2(), site(block.name() + ".ffn.hidden", h, block.fc1().out()), block.name() + ".ffn.out");
        }

        /** Multi-head self-attention: integer scores and context, float softmax; returns the output projection. */
        Activation attention(Block block, Activation x) {
            String n = block.name() + ".attn";
            Activation q = linear(block.q(), x, n + ".q");
            Activation k = linear(block.k(), x, n + ".k");
            Activation v = linear(block.v(), x, n + ".v");
            int headDim = hidden / heads;
            int square = t * t;

            ActivationProduct scoresProduct = new ActivationProduct(q.grid(), k.grid(), 1 / Math.sqrt(headDim), gemm);
            ActivationGrid scoresGrid = grids.get(n + ".scores");
            int[] scoreLevels = new int[batch * heads * square]; // (B, H, T, T)
            float[] scoreValues = new float[scoreLevels.length];
            for (int b = 0; b < batch; b++) {
                for (int h = 0; h < heads; h++) {
                    int[] acc = scoresProduct.accumulators(head(q.levels(), b, h, false), head(k.levels(), b, h, true), t, t, headDim);
                    int o = (b * heads + h) * square;
                    if (scoresGrid != null) {
                        scoresProduct.requantise(acc, t, scoresGrid);
                        System.arraycopy(acc, 0, scoreLevels, o, square);
                    } else {
                        System.arraycopy(scoresProduct.real(acc), 0, scoreValues, o, square);
                    }
                }
            }
            Activation scores = scoresGrid != null ? tapped(n + ".scores", scoreLevels, scoresGrid, t)
                    : Activation.real(batch * heads * t, t, scoreValues);

            float[] p = scores.values(); // scores is not read again: softmax may overwrite its values
            boolean causal = architecture == Architecture.PRE_LN_DECODER;
            for (int b = 0; b < batch; b++) {
                int[] padding = padding(b);
                for (int h = 0; h < heads; h++) {
                    for (int i = 0; i < t; i++) {
                        int row = (b * heads + h) * square + i * t;
                        if (causal) {
                            for (int j = i + 1; j < t; j++) {
                                p[row + j] += FloatOps.MASKED;
                            }
                        } else {
                            for (int j : padding) {
                                p[row + j] += FloatOps.MASKED;
                            }
                        }
                    }
                }
            }
            ElementwiseKernel.FASTEST.softmaxRows(p, batch * heads * t, t);
            Activation probs = site(n + ".probs", p, t);

            ActivationProduct contextProduct = new ActivationProduct(probs.grid(), v.grid(), 1, gemm);
            ActivationGrid contextGrid = grids.get(n + ".context");
            int[] context = new int[batch * t * hidden]; // (B, T, D), head h in columns h·dh .. (h+1)·dh
            int[] probsHead = new int[square];
            for (int b = 0; b < batch; b++) {
                for (int h = 0; h < heads; h++) {
                    System.arraycopy(probs.levels(), (b * heads + h) * square, probsHead, 0, square);
                    int[] acc = contextProduct.accumulators(probsHead, head(v.levels(), b, h, false), t, headDim, t); // (T, dh)
                    contextProduct.requantise(acc, headDim, contextGrid);
                    for (int i = 0; i < t; i++) {
                        System.arraycopy(acc, i * headDim, context, (b * t + i) * hidden + h * headDim, headDim);
                    }
                }
            }
            return linear(block.out(), tapped(n + ".context", context, contextGrid, hidden), n + ".out");
        }

        /** The positions of sequence {@code b} that hold padding ({@value #PAD_ID}). */
        private int[] padding(int b) {
            return IntStream.range(0, t).filter(j -> tokenIds[b][j] == PAD_ID).toArray();
        }

        /** Head {@code h} of sequence {@code b} of a {@code (B, T, D)} tensor: {@code (T, dh)}, or {@code (dh, T)} transposed. */
        private int[] head(int[] levels, int b, int h, boolean transposed) {
            int headDim = hidden / heads;
            int[] out = new int[t * headDim];
            for (int i = 0; i < t; i++) {
                for (int d = 0; d < headDim; d++) {
                    int level = levels[(b * t + i) * hidden + h * headDim + d];
                    out[transposed ? d * t + i : i * headDim + d] = level;
                }
            }
            return out;
        }

        /** A linear layer on a quantized input, to its output site's levels or, when that is in float, to real values. */
        Activation linear(QuantizedLinear layer, Activation x, String outputSite) {
            ActivationGrid grid = grids.get(outputSite);
            return grid == null ? Activation.real(x.rows(), layer.out(), layer.real(x.levels(), x.rows()))
                    : tapped(outputSite, layer.forward(x.levels(), x.rows()), grid, layer.out());
        }

        /** A float result entering a site: quantized to its grid if the site is quantized, kept otherwise. */
        Activation site(String name, float[] values, int cols) {
            ActivationGrid grid = grids.get(name);
            if (grid == null) {
                return Activation.real(values.length / cols, cols, values);
            }
            int[] levels = new int[values.length];
            grid.levels(values, levels);
            return tapped(name, levels, grid, cols);
        }

        private Activation tapped(String name, int[] levels, ActivationGrid grid, int cols) {
            int[] seen = tap.visit(name, levels);
            if (seen.length != levels.length) {
                throw new IllegalStateException("the tap returned " + seen.length + " levels for site '" + name + "', expected " + levels.length);
            }
            return Activation.quantized(levels.length / cols, cols, seen, grid);
        }
    }

    private static INDArray feed(Map<String, INDArray> feeds, String placeholder) {
        INDArray x = feeds.get(placeholder);
        if (x == null) {
            throw new IllegalArgumentException("the batch has no '" + placeholder + "' placeholder; it has " + feeds.keySet());
        }
        return x;
    }

    private static float[] layerNorm(Activation x, Norm norm) {
        return FloatOps.layerNorm(x.values(), x.rows(), x.cols(), norm.gamma(), norm.beta());
    }

    /** {@code a ⊙ scale + b} (scale {@code null}: none), element-wise over rows of {@code D}. */
    private float[] add(float[] a, float[] scale, float[] b) {
        float[] y = new float[a.length];
        for (int o = 0; o < a.length; o += hidden) {
            for (int d = 0; d < hidden; d++) {
                y[o + d] = (scale == null ? a[o + d] : a[o + d] * scale[d]) + b[o + d];
            }
        }
        return y;
    }

    private void require(QuantizedModelFile model, String site) {
        if (!grids.containsKey(site)) {
            throw new IllegalArgumentException("backend 'int8-jvm' needs site '" + site + "' quantized (an operand of an integer "
                    + "product), but " + model.file() + " keeps it in float: quantize it with at most 8 bits per tensor");
        }
    }

    private QuantizedLinear linear(QuantizedModelFile model, String name, String input, String output) {
        if (!model.quantizes(name + ".weight")) {
            throw new IllegalArgumentException("backend 'int8-jvm' needs weight site '" + name + ".weight' quantized, but "
                    + model.file() + " keeps it in float");
        }
        return model.linear(name, input, output, gemm);
    }

    private EmbeddingTable table(QuantizedModelFile model, String site) {
        if (model.quantizes(site)) {
            return EmbeddingTable.quantized(site, model.weight(site));
        }
        return EmbeddingTable.real(model.floatArray(site));
    }

    private Norm norm(QuantizedModelFile model, String name) {
        float[] gamma = floats(model, name + ".gamma");
        float[] beta = floats(model, name + ".beta");
        String shortcut = name + ".shortcut_scale";
        float[] scale = model.hasFloat(shortcut) ? floats(model, shortcut) : null;
        if (architecture == Architecture.POST_LN_ENCODER && scale == null) {
            scale = new float[gamma.length];
            Arrays.fill(scale, 1f);
        }
        return new Norm(gamma, beta, scale);
    }

    private float[] headWeight(QuantizedModelFile model) {
        if (model.quantizes("head.weight")) {
            throw new IllegalArgumentException("backend 'int8-jvm' runs decoder-clm's LM head in float, but " + model.file()
                    + " quantizes head.weight: exclude head.* from the placement profile (every built-in profile does)");
        }
        return floats(model, "head.weight");
    }

    private float[] floats(QuantizedModelFile model, String name) {
        float[] values = model.floatArray(name).castTo(DataType.FLOAT).dup('c').data().asFloat();
        floatParameters += values.length;
        return values;
    }
}
