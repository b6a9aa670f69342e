package org.inlier.plugins.pretrained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.model.NormLink;
import org.inlier.api.plugin.Options;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.plugins.attention.GatedAttention;
import org.inlier.plugins.attention.SoftmaxAttention;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BertOnnxTest {

    /** The issue's bound on the difference between Inlier's and ONNX Runtime's last hidden state. */
    private static final double TOLERANCE = 1e-4;
    private static final int TINY_VOCAB = 50;

    private final BertOnnx family = new BertOnnx();

    @TempDir
    Path dir;

    private Options options(Map<String, ?> values) {
        return Options.withDefaults(family.options(), values);
    }

    private static ModelSpec spec(Options options, int vocab, SiteInstrumentation sites) {
        SoftmaxAttention vanilla = new SoftmaxAttention();
        return new ModelSpec(options, vocab, vanilla, Options.withDefaults(vanilla.options(), Map.of()), sites, 1, false);
    }

    private Path tinyBert() throws IOException {
        return new TinyBertExport(TINY_VOCAB, 16, 24, 3, 40, 3, 11).write(dir.resolve("tiny-bert.onnx"));
    }

    /** Windows with id 0 padding at the end of all but the first. */
    private static int[][] paddedWindows(int batch, int seq, int vocab, long seed) {
        Random r = new Random(seed);
        int[][] windows = new int[batch][seq];
        for (int b = 0; b < batch; b++) {
            int length = b == 0 ? seq : 3 + r.nextInt(seq - 3);
            for (int t = 0; t < length; t++) {
                windows[b][t] = 1 + r.nextInt(vocab - 1);
            }
        }
        return windows;
    }

    /** Max |Inlier − ONNX Runtime| of the last hidden state. */
    private static double differenceFromOnnxRuntime(ModelGraph model, Map<String, INDArray> feeds, byte[] onnx, String output)
            throws Exception {
        INDArray ours = model.sd().output(feeds, model.output()).get(model.output());
        long[][] ids = Arrays.stream(feeds.get("tokens").toIntMatrix()).map(r -> Arrays.stream(r).asLongStream().toArray())
                .toArray(long[][]::new);
        long[][] mask = Arrays.stream(feeds.get("attention_mask").toFloatMatrix())
                .map(r -> { long[] m = new long[r.length]; for (int i = 0; i < r.length; i++) m[i] = (long) r[i]; return m; })
                .toArray(long[][]::new);
        INDArray reference = Nd4j.create(OnnxReference.run(onnx, output, ids, mask));
        assertThat(ours.shape()).containsExactly(reference.shape());
        return ours.sub(reference).amaxNumber().doubleValue();
    }

    private static byte[] miniLmBytes() throws IOException {
        try (InputStream in = BertOnnxTest.class.getClassLoader().getResourceAsStream(BertOnnx.MODEL_RESOURCE)) {
            return in.readAllBytes();
        }
    }

    @Test
    void miniLmLastHiddenStateMatchesOnnxRuntime() throws Exception {
        Options options = options(Map.of("seq", 24));
        try (WordPieceTokenizer tokenizer = family.tokenizer(options)) {
            int[][] windows = List.of(
                    "The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election produced no evidence.",
                    "It recommended that Fulton legislators act.",
                    "Merger proposed.",
                    "The jury praised the administration and operation of the Atlanta Police Department.")
                    .stream().map(tokenizer::window).toArray(int[][]::new);
            assertThat(windows[0][0]).as("[CLS]").isEqualTo(101);
            assertThat(windows[2]).as("a short sentence is padded").endsWith(0, 0, 0);

            ModelGraph model = family.build(spec(options, tokenizer.vocabSize(), SiteInstrumentation.NONE));
            Map<String, INDArray> feeds = family.batch(windows, options, tokenizer.vocabSize(), false, new Random(0));
            assertThat(differenceFromOnnxRuntime(model, feeds, miniLmBytes(), "output_0")).isLessThan(TOLERANCE);
        }
    }

    /**
     * Retrofitting gated attention into MiniLM: its gates are not in the checkpoint and start from
     * their initialisation; scaled by 1/π_init (the paper's fine-tuning recipe) the model's output
     * stays within 5% of the original's largest value, while unscaled gates halve every head.
     */
    @Test
    void miniLmWithGatesScaledByPiInitStartsNextToTheOriginal() throws Exception {
        Options options = options(Map.of("seq", 16));
        try (WordPieceTokenizer tokenizer = family.tokenizer(options)) {
            int[][] windows = List.of("The jury praised the administration.", "It recommended that Fulton legislators act.")
                    .stream().map(tokenizer::window).toArray(int[][]::new);
            Map<String, INDArray> feeds = family.batch(windows, options, tokenizer.vocabSize(), false, new Random(0));
            ModelGraph original = family.build(spec(options, tokenizer.vocabSize(), SiteInstrumentation.NONE));
            INDArray expected = original.sd().output(feeds, original.output()).get(original.output());

            double scaled = relativeDistance(expected, gated(options, tokenizer.vocabSize(), true), feeds);
            double unscaled = relativeDistance(expected, gated(options, tokenizer.vocabSize(), false), feeds);

            assertThat(scaled).isLessThan(0.05);
            assertThat(unscaled).isGreaterThan(4 * scaled);
        }
    }

    private ModelGraph gated(Options options, int vocab, boolean scaleByPiInit) {
        GatedAttention gated = new GatedAttention();
        Options gate = Options.withDefaults(gated.options(), Map.of("pi_init", 0.5, "scale_by_pi_init", scaleByPiInit));
        return family.build(new ModelSpec(options, vocab, gated, gate, SiteInstrumentation.NONE, 1, false));
    }

    private static double relativeDistance(INDArray expected, ModelGraph model, Map<String, INDArray> feeds) {
        INDArray actual = model.sd().output(feeds, model.output()).get(model.output());
        return actual.sub(expected).amaxNumber().doubleValue() / expected.amaxNumber().doubleValue();
    }

    @Test
    void aBertOfAnotherSizeIsReadFromItsFileAndMatchesOnnxRuntime() throws Exception {
        Path file = tinyBert();
        Options options = options(Map.of("path", file.toString(), "seq", 12));
        ModelGraph model = family.build(spec(options, TINY_VOCAB, SiteInstrumentation.NONE));

        assertThat(model.sd().getArrForVarName("embed.token.weight").shape()).containsExactly(TINY_VOCAB, 24);
        assertThat(model.sd().getArrForVarName("layer.2.ffn.fc1.weight").shape()).containsExactly(24, 40);
        assertThat(model.sd().hasVariable("layer.3.ffn.fc1.weight")).isFalse();
        Map<String, INDArray> feeds = family.batch(paddedWindows(5, 12, TINY_VOCAB, 3), options, TINY_VOCAB, false, new Random(0));
        assertThat(feeds.get("attention_mask").sumNumber().intValue()).isLessThan(5 * 12);
        assertThat(differenceFromOnnxRuntime(model, feeds, Files.readAllBytes(file), TinyBertExport.OUTPUT)).isLessThan(TOLERANCE);
    }

    @Test
    void theNumberOfHeadsComesFromTheGraph() throws Exception {
        Options options = options(Map.of("path", tinyBert().toString(), "seq", 12));
        Map<String, SDVariable> sites = new HashMap<>();
        ModelGraph model = family.build(spec(options, TINY_VOCAB, new SiteInstrumentation() {
            @Override
            public SDVariable activation(QuantizationSite site, SDVariable x) {
                sites.put(site.name(), x);
                return x;
            }

            @Override
            public SDVariable weight(QuantizationSite site, SDVariable w) {
                return w;
            }
        }));
        Map<String, INDArray> feeds = family.batch(paddedWindows(2, 12, TINY_VOCAB, 4), options, TINY_VOCAB, false, new Random(0));
        String scores = sites.get("layer.1.attn.scores").name();
        assertThat(model.sd().output(feeds, scores).get(scores).shape()).containsExactly(2, 3, 12, 12);
    }

    @Test
    void everyLayerNormIsLinkedAndTheLastFeedsNothing() throws Exception {
        ModelGraph model = family.build(spec(options(Map.of("path", tinyBert().toString(), "seq", 12)), TINY_VOCAB,
                SiteInstrumentation.NONE));
        assertThat(model.norms()).extracting(NormLink::outputSite).containsExactly("embed.ln.out", "layer.0.ln1.out",
                "layer.0.ln2.out", "layer.1.ln1.out", "layer.1.ln2.out", "layer.2.ln1.out", "layer.2.ln2.out");
        NormLink last = model.norms().get(model.norms().size() - 1);
        assertThat(last.consumerWeights()).isEmpty();
        assertThat(last.shortcutScale()).isNull();
        assertThat(model.output()).isNotNull();
    }

    @Test
    void aMissingOnnxFileIsAClearError() {
        Options options = options(Map.of("path", dir.resolve("nowhere.onnx").toString()));
        assertThatThrownBy(() -> family.build(spec(options, TINY_VOCAB, SiteInstrumentation.NONE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nowhere.onnx does not exist");
    }

    @Test
    void aTruncatedOnnxFileIsAClearError() throws Exception {
        byte[] bytes = Files.readAllBytes(tinyBert());
        Path truncated = Files.write(dir.resolve("truncated.onnx"), Arrays.copyOf(bytes, bytes.length / 2));
        Options options = options(Map.of("path", truncated.toString()));
        assertThatThrownBy(() -> family.build(spec(options, TINY_VOCAB, SiteInstrumentation.NONE)))
                .hasMessageContaining("truncated.onnx is not a readable ONNX model (corrupt or truncated)");
    }

    @Test
    void aFileThatIsNoOnnxModelIsAClearError() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.onnx"), "these are not the weights you are looking for\n");
        Options options = options(Map.of("path", text.toString()));
        assertThatThrownBy(() -> family.build(spec(options, TINY_VOCAB, SiteInstrumentation.NONE)))
                .hasMessageContaining("notes.onnx is not");
    }

    @Test
    void anOnnxModelThatIsNotABertNamesWhatIsMissing() throws Exception {
        GraphProto graph = GraphProto.newBuilder().setName("linear")
                .addInitializer(TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addDims(1).addDims(1).addFloatData(2f))
                .addNode(NodeProto.newBuilder().setOpType("MatMul").setName("/MatMul").addInput("x").addInput("w").addOutput("y"))
                .build();
        Path file = Files.write(dir.resolve("linear.onnx"), ModelProto.newBuilder().setIrVersion(7).setGraph(graph).build().toByteArray());
        Options options = options(Map.of("path", file.toString()));
        assertThatThrownBy(() -> family.build(spec(options, TINY_VOCAB, SiteInstrumentation.NONE)))
                .hasMessageContaining("linear.onnx is not a BERT encoder exported from Hugging Face Transformers: missing "
                        + "embeddings.word_embeddings.weight, embeddings.position_embeddings.weight, embeddings.LayerNorm.weight,"
                        + " embeddings.LayerNorm.bias, encoder.layer.0.*");
    }

    /** The tiny BERT export with one initializer or node changed or left out. */
    private Path tinyBertEdited(String file, java.util.function.UnaryOperator<GraphProto.Builder> edit) throws IOException {
        ModelProto model = new TinyBertExport(TINY_VOCAB, 16, 24, 3, 40, 3, 11).model();
        ModelProto edited = model.toBuilder().setGraph(edit.apply(model.getGraph().toBuilder())).build();
        return Files.write(dir.resolve(file), edited.toByteArray());
    }

    private static int initializer(GraphProto.Builder graph, String name) {
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            if (graph.getInitializer(i).getName().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no initializer " + name);
    }

    @Test
    void anEmptyOnnxFileIsAClearError() throws Exception {
        Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
        Options options = options(Map.of("path", empty.toString()));
        assertThatThrownBy(() -> family.build(spec(options, TINY_VOCAB, SiteInstrumentation.NONE)))
                .hasMessageContaining("empty.onnx is not an ONNX model: it has no IR version or no graph nodes");
    }

    @Test
    void aLayerWithAMissingPieceIsNamedNotCutOff() throws Exception {
        // Without layer 1's output LayerNorm the count of complete layers would stop at 1 and drop layers 1 and 2.
        Path file = tinyBertEdited("gap.onnx", g -> g.removeInitializer(initializer(g, "encoder.layer.1.output.LayerNorm.weight")));
        Options options = options(Map.of("path", file.toString(), "seq", 12));
        assertThatThrownBy(() -> family.build(spec(options, TINY_VOCAB, SiteInstrumentation.NONE)))
                .hasMessageContaining("gap.onnx is not a BERT encoder exported from Hugging Face Transformers: missing "
                        + "encoder.layer.1.output.LayerNorm.weight");
    }

    @Test
    void aProjectionWithoutItsMatMulNodeIsNamed() throws Exception {
        Path file = tinyBertEdited("no-key.onnx", g -> {
            for (int i = 0; i < g.getNodeCount(); i++) {
                if (g.getNode(i).getName().equals("/encoder/layer.2/attention/self/key/MatMul")) {
                    g.setNode(i, g.getNode(i).toBuilder().setName("/renamed/MatMul"));
                }
            }
            return g;
        });
        Options options = options(Map.of("path", file.toString(), "seq", 12));
        assertThatThrownBy(() -> family.build(spec(options, TINY_VOCAB, SiteInstrumentation.NONE)))
                .hasMessageContaining("missing node /encoder/layer.2/attention/self/key/MatMul with a weight initializer");
    }

    @Test
    void halfPrecisionOrExternalWeightsAreClearErrors() throws Exception {
        Path half = tinyBertEdited("half.onnx", g -> {
            int i = initializer(g, "embeddings.LayerNorm.bias");
            return g.setInitializer(i, g.getInitializer(i).toBuilder().setDataType(TensorProto.DataType.FLOAT16_VALUE));
        });
        assertThatThrownBy(() -> family.build(spec(options(Map.of("path", half.toString(), "seq", 12)), TINY_VOCAB, SiteInstrumentation.NONE)))
                .hasMessageContaining("ONNX tensor 'embeddings.LayerNorm.bias' of " + half + " has data type FLOAT16;"
                        + " only FLOAT (float32) weights can be imported");
        Path external = tinyBertEdited("external.onnx", g -> {
            int i = initializer(g, "embeddings.LayerNorm.bias");
            return g.setInitializer(i, g.getInitializer(i).toBuilder().setDataLocation(TensorProto.DataLocation.EXTERNAL));
        });
        assertThatThrownBy(() -> family.build(spec(options(Map.of("path", external.toString(), "seq", 12)), TINY_VOCAB, SiteInstrumentation.NONE)))
                .hasMessageContaining("keeps its data in an external file; export the model with the weights inside the .onnx file");
    }

    @Test
    void theHeadsMustDivideTheHiddenSize() throws Exception {
        Options options = options(Map.of("path", tinyBert().toString(), "seq", 12, "heads", 5));
        assertThatThrownBy(() -> family.build(spec(options, TINY_VOCAB, SiteInstrumentation.NONE)))
                .hasMessageContaining("hidden 24 is not divisible by heads 5");
    }

    @Test
    void windowsOfAnotherLengthThanTheModelsSeqAreAClearError() throws Exception {
        Options options = options(Map.of("path", tinyBert().toString(), "seq", 12));
        assertThatThrownBy(() -> family.batch(paddedWindows(2, 16, TINY_VOCAB, 1), options, TINY_VOCAB, false, new Random(0)))
                .hasMessageContaining("the data's windows have 16 tokens, but the model's seq is 12: give the data set the same seq"
                        + " as the model (data: { seq: 12 })");
    }

    @Test
    void aTokenizerThatPadsWithAnotherIdIsRejected() throws Exception {
        Path tokenizer = Files.writeString(dir.resolve("tokenizer.json"), TINY_TOKENIZER.formatted(
                "\"[UNK]\": 0, \"[PAD]\": 1, \"[CLS]\": 2, \"[SEP]\": 3, \"the\": 4", TINY_VOCAB - 1), StandardCharsets.UTF_8);
        Options options = options(Map.of("path", tinyBert().toString(), "tokenizer", tokenizer.toString()));
        assertThatThrownBy(() -> family.tokenizer(options))
                .hasMessageContaining("tokenizer.json pads with id 1; bert-onnx takes id 0 as padding");
    }

    @Test
    void aTokenizerFileThatIsNotJsonIsAClearError() throws Exception {
        Path tokenizer = Files.writeString(dir.resolve("tokenizer.json"), "vocab: [the, jury]\n", StandardCharsets.UTF_8);
        Options options = options(Map.of("path", tinyBert().toString(), "tokenizer", tokenizer.toString()));
        assertThatThrownBy(() -> family.tokenizer(options)).hasMessageContaining("tokenizer.json is not JSON");
    }

    /** A WordPiece tokenizer.json with the given vocabulary entries and a last id (to size the vocabulary). */
    private static final String TINY_TOKENIZER = """
            {"version": "1.0", "truncation": null, "padding": null,
             "added_tokens": [{"id": %2$d, "content": "[MASK]", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}],
             "normalizer": null, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null, "decoder": null,
             "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
                       "vocab": {%1$s}}}
            """;

    @Test
    void aTensorThatDoesNotFitIsNamed() throws Exception {
        Path file = new TinyBertExport(TINY_VOCAB, 16, 24, 3, 40, 3, 11).withMisfitWeight("/encoder/layer.1/intermediate/dense")
                .write(dir.resolve("misfit.onnx"));
        Options options = options(Map.of("path", file.toString(), "seq", 12));
        assertThatThrownBy(() -> family.build(spec(options, TINY_VOCAB, SiteInstrumentation.NONE)))
                .hasMessageContaining("(the weight of node /encoder/layer.1/intermediate/dense/MatMul)")
                .hasMessageContaining("has shape [24, 41], but Inlier's layer.1.ffn.fc1.weight needs [24, 40]");
    }

    @Test
    void sequencesLongerThanThePositionTableAreRejected() throws Exception {
        Options options = options(Map.of("path", tinyBert().toString(), "seq", 20));
        assertThatThrownBy(() -> family.build(spec(options, TINY_VOCAB, SiteInstrumentation.NONE)))
                .hasMessageContaining("seq 20 is longer than the position table of").hasMessageContaining("(16 positions)");
    }

    @Test
    void aDataSetWithAnotherVocabularyIsRejected() throws Exception {
        Options options = options(Map.of("path", tinyBert().toString(), "seq", 12));
        assertThatThrownBy(() -> family.build(spec(options, 90, SiteInstrumentation.NONE)))
                .hasMessageContaining("the data set's vocabulary has 90 tokens, but the embedding table of")
                .hasMessageContaining("has 50 rows");
    }

    @Test
    void aTokenizerThatDoesNotMatchTheEmbeddingTableIsRejected() throws Exception {
        Path tokenizer = Files.writeString(dir.resolve("tokenizer.json"), """
                {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
                 "normalizer": null, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null, "decoder": null,
                 "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                           "max_input_chars_per_word": 100,
                           "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "the": 4, "jury": 5}}}
                """, StandardCharsets.UTF_8);
        Options options = options(Map.of("tokenizer", tokenizer.toString()));
        assertThatThrownBy(() -> family.tokenizer(options))
                .hasMessageContaining("tokenizer.json has 6 tokens, but the embedding table of class path resource "
                        + BertOnnx.MODEL_RESOURCE + " has 30522 rows");
    }

    @Test
    void aModelGivenByPathNeedsItsTokenizer() throws Exception {
        Options options = options(Map.of("path", tinyBert().toString()));
        assertThatThrownBy(() -> family.tokenizer(options)).hasMessageContaining("set the option 'tokenizer'");
    }
}
