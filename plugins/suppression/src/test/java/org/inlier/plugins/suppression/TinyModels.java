package org.inlier.plugins.suppression;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.inlier.api.model.ModelFamily;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.model.NormLink;
import org.inlier.api.plugin.Options;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.plugins.attention.SoftmaxAttention;
import org.inlier.plugins.models.DecoderClm;
import org.inlier.plugins.models.EncoderMlm;
import org.inlier.plugins.models.PostLnEncoder;
import org.inlier.plugins.models.TransformerShape;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Small models of the real families, 2 layers of width {@value #HIDDEN}, with a batch of random
 * tokens and the graph variable of every activation site, for testing rewrites.
 */
final class TinyModels {

    static final int VOCAB = 11;
    static final int HIDDEN = 16;
    static final int SEQ = 8;
    private static final int BATCH = 3;

    /**
     * A built model with a batch to run it on.
     *
     * @param graph the model
     * @param feeds one batch of its placeholders
     * @param sites the graph variable of every activation site, by site name
     */
    record Model(ModelGraph graph, Map<String, INDArray> feeds, Map<String, String> sites) {

        /** The model's output on the batch (a copy, so later rewrites do not change it). */
        INDArray output() {
            return run(graph.output());
        }

        /** An activation site's value on the batch. */
        INDArray site(String name) {
            return run(sites.get(name));
        }

        /** The per-channel max |x| of a site over the batch, {@code (D)}. */
        INDArray channelAbsMax(String name) {
            INDArray x = site(name);
            return Transforms.abs(x.reshape(-1, x.size(x.rank() - 1)), true).max(0);
        }

        /** The link of a LayerNorm by its output site. */
        NormLink norm(String outputSite) {
            return graph.norms().stream().filter(n -> n.outputSite().equals(outputSite)).findFirst().orElseThrow();
        }

        /** The current value of a variable (the graph's own array). */
        INDArray array(String variable) {
            return graph.sd().getArrForVarName(variable);
        }

        private INDArray run(String variable) {
            return graph.sd().output(feeds, variable).get(variable).dup();
        }
    }

    private TinyModels() {
    }

    /** {@code decoder-clm}: pre-LN, no shortcut scales. */
    static Model decoder() {
        return ofFamily(new DecoderClm(), SEQ + 1);
    }

    /** {@code encoder-mlm}: post-LN with shortcut scales, and the MLM head's LayerNorm. */
    static Model encoder() {
        return ofFamily(new EncoderMlm(), SEQ);
    }

    /**
     * A post-LN encoder whose last LayerNorm output is the model's output, as {@code bert-onnx}
     * builds it: that LayerNorm feeds no weight and no shortcut. Its batch pads the last 3 tokens.
     */
    static Model headlessEncoder() {
        Capture capture = new Capture();
        ModelGraph graph = headlessEncoder(capture);
        INDArray mask = Nd4j.ones(DataType.FLOAT, BATCH, SEQ);
        mask.get(NDArrayIndex.all(), NDArrayIndex.interval(SEQ - 3, SEQ)).assign(0);
        Map<String, INDArray> feeds = Map.of(PostLnEncoder.TOKENS, Nd4j.createFromArray(windows(SEQ)), PostLnEncoder.ATTENTION_MASK, mask);
        return new Model(graph, feeds, capture.variables);
    }

    /** The headless encoder with the given instrumentation at its sites; the same weights on every build. */
    static ModelGraph headlessEncoder(SiteInstrumentation sites) {
        TransformerShape shape = new TransformerShape(2, HIDDEN, 2, 32, SEQ, 0);
        SameDiff sd = SameDiff.create();
        PostLnEncoder encoder = new PostLnEncoder(sd, spec(Options.empty(), sites), shape);
        SDVariable hidden = encoder.encode(VOCAB, true, List.of());
        sd.constant("loss", Nd4j.scalar(0f));
        return new ModelGraph(sd, List.of(PostLnEncoder.TOKENS, PostLnEncoder.ATTENTION_MASK), "loss", hidden.name(), encoder.norms());
    }

    /**
     * A batch for the headless encoder of random tokens, each sentence padded after a random
     * length of 3 to {@value #SEQ} tokens.
     */
    static Map<String, INDArray> paddedBatch(int size, long seed) {
        Random random = new Random(seed);
        int[][] tokens = new int[size][SEQ];
        INDArray mask = Nd4j.zeros(DataType.FLOAT, size, SEQ);
        for (int b = 0; b < size; b++) {
            int length = 3 + random.nextInt(SEQ - 2);
            for (int t = 0; t < length; t++) {
                tokens[b][t] = 1 + random.nextInt(VOCAB - 1);
                mask.putScalar(b, t, 1);
            }
        }
        return Map.of(PostLnEncoder.TOKENS, Nd4j.createFromArray(tokens), PostLnEncoder.ATTENTION_MASK, mask);
    }

    /**
     * Gives every LayerNorm a non-trivial γ and β: {@code |γ|} uniform in [0.3, 2] with a random
     * sign, {@code β ~ N(0, 0.5²)}. Freshly built models have γ = 1 and β = 0, which would make
     * any fold of γ trivially exact.
     */
    static void randomizeNorms(ModelGraph graph, long seed) {
        Random random = new Random(seed);
        for (NormLink link : graph.norms()) {
            INDArray gamma = graph.sd().getArrForVarName(link.gamma());
            INDArray beta = graph.sd().getArrForVarName(link.beta());
            for (int i = 0; i < gamma.length(); i++) {
                double magnitude = 0.3 + 1.7 * random.nextDouble();
                gamma.putScalar(i, random.nextBoolean() ? magnitude : -magnitude);
                beta.putScalar(i, 0.5 * random.nextGaussian());
            }
        }
    }

    /** {@code ‖after − before‖ / ‖before‖} (Frobenius norms). */
    static double relativeDifference(INDArray before, INDArray after) {
        return after.sub(before).norm2Number().doubleValue() / before.norm2Number().doubleValue();
    }

    private static Model ofFamily(ModelFamily family, int windowLength) {
        Options options = Options.withDefaults(family.options(),
                Map.of("layers", 2, "hidden", HIDDEN, "heads", 2, "ffn", 32, "seq", SEQ));
        Capture capture = new Capture();
        ModelGraph graph = family.build(spec(options, capture));
        Map<String, INDArray> feeds = family.batch(windows(windowLength), options, VOCAB, false, new Random(1));
        return new Model(graph, feeds, capture.variables);
    }

    private static ModelSpec spec(Options options, SiteInstrumentation sites) {
        return new ModelSpec(options, VOCAB, new SoftmaxAttention(), Options.empty(), sites, 7, false);
    }

    private static int[][] windows(int length) {
        Random random = new Random(5);
        int[][] windows = new int[BATCH][length];
        for (int[] window : windows) {
            for (int t = 0; t < length; t++) {
                window[t] = random.nextInt(VOCAB);
            }
        }
        return windows;
    }

    /** Leaves tensors unchanged and remembers the variable of every activation site. */
    private static final class Capture implements SiteInstrumentation {
        final Map<String, String> variables = new LinkedHashMap<>();

        @Override
        public SDVariable activation(QuantizationSite site, SDVariable x) {
            variables.put(site.name(), x.name());
            return x;
        }

        @Override
        public SDVariable weight(QuantizationSite site, SDVariable w) {
            return w;
        }
    }
}
