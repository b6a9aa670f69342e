package org.inlier.plugins.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.model.NormLink;
import org.inlier.api.plugin.Options;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.api.site.SiteKind;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class EncoderMlmTest {

    private static final int VOCAB = 11;
    private static final int SEQ = 8;
    private final EncoderMlm family = new EncoderMlm();

    private Options tiny() {
        return Options.withDefaults(family.options(), Map.of("layers", 2, "hidden", 16, "heads", 2, "ffn", 32, "seq", SEQ));
    }

    private ModelGraph build(Options options, SiteInstrumentation sites) {
        return family.build(new ModelSpec(options, VOCAB, new SoftmaxForTests(), Options.empty(), sites, 7, false));
    }

    private static int[][] windows(int batch, int length, int vocab, long seed) {
        Random r = new Random(seed);
        int[][] w = new int[batch][length];
        for (int[] row : w) {
            for (int t = 0; t < length; t++) {
                row[t] = r.nextInt(vocab);
            }
        }
        return w;
    }

    private static double loss(ModelGraph model, Map<String, INDArray> feeds) {
        return model.sd().output(feeds, model.loss()).get(model.loss()).getDouble(0);
    }

    @Test
    void initialLossIsCloseToUniformCrossEntropy() {
        Options options = tiny();
        ModelGraph model = build(options, SiteInstrumentation.NONE);
        Map<String, INDArray> feeds = family.batch(windows(8, SEQ + 1, VOCAB, 1), options, VOCAB, false, new Random(0));
        assertThat(loss(model, feeds)).isCloseTo(Math.log(VOCAB), within(0.2));
    }

    @Test
    void declaresEverySiteThePapersQuantize() {
        SiteCapture sites = new SiteCapture();
        build(tiny(), sites);
        List<String> names = sites.declared.stream().map(QuantizationSite::name).toList();
        assertThat(names).doesNotHaveDuplicates().contains("embed.sum", "embed.ln.out", "layer.1.attn.q", "layer.1.attn.k",
                "layer.1.attn.v", "layer.1.attn.scores", "layer.1.attn.probs", "layer.1.attn.context", "layer.1.attn.out",
                "layer.1.attn.residual", "layer.1.ln1.out", "layer.1.ffn.hidden", "layer.1.ffn.out", "layer.1.ffn.residual",
                "layer.1.ln2.out", "head.transform.out", "head.ln.out", "head.logits", "embed.token.weight",
                "embed.position.weight", "layer.0.attn.q.weight", "layer.1.ffn.fc2.weight", "head.decoder.weight");
        // Post-LN: a LayerNorm's input is the residual sum before it, declared as RESIDUAL only.
        List<SiteKind> expected = Arrays.stream(SiteKind.values()).filter(k -> k != SiteKind.LAYERNORM_INPUT).toList();
        assertThat(sites.declared).extracting(QuantizationSite::kind).containsAll(expected).doesNotContain(SiteKind.LAYERNORM_INPUT);
    }

    @Test
    void theEmbeddingTableHasARowForMask() {
        ModelGraph model = build(tiny(), SiteInstrumentation.NONE);
        assertThat(model.sd().getArrForVarName("embed.token.weight").shape()).containsExactly(VOCAB + 1, 16);
        assertThat(model.sd().getArrForVarName("head.decoder.weight").shape()).containsExactly(16, VOCAB);
    }

    @Test
    void normLinksNameEveryConsumerAndPostLnShortcut() {
        ModelGraph model = build(tiny(), SiteInstrumentation.NONE);
        Map<String, NormLink> byName = new HashMap<>();
        model.norms().forEach(n -> byName.put(n.outputSite(), n));
        assertThat(byName).containsOnlyKeys("embed.ln.out", "layer.0.ln1.out", "layer.0.ln2.out", "layer.1.ln1.out",
                "layer.1.ln2.out", "head.ln.out");
        assertThat(byName.get("embed.ln.out").consumerWeights())
                .containsExactly("layer.0.attn.q.weight", "layer.0.attn.k.weight", "layer.0.attn.v.weight");
        assertThat(byName.get("embed.ln.out").shortcutScale()).isEqualTo("embed.ln.shortcut_scale");
        assertThat(byName.get("layer.0.ln1.out").consumerWeights()).containsExactly("layer.0.ffn.fc1.weight");
        assertThat(byName.get("layer.0.ln1.out").shortcutScale()).isEqualTo("layer.0.ln1.shortcut_scale");
        assertThat(byName.get("layer.0.ln2.out").consumerWeights())
                .containsExactly("layer.1.attn.q.weight", "layer.1.attn.k.weight", "layer.1.attn.v.weight");
        assertThat(byName.get("layer.1.ln2.out").consumerWeights()).containsExactly("head.transform.weight");
        assertThat(byName.get("layer.1.ln2.out").shortcutScale()).isNull();
        assertThat(byName.get("head.ln.out").consumerWeights()).containsExactly("head.decoder.weight");
    }

    @Test
    void shortcutScalesAreOnesAndNotTrainable() {
        ModelGraph model = build(tiny(), SiteInstrumentation.NONE);
        for (NormLink link : model.norms()) {
            if (link.shortcutScale() != null) {
                SDVariable scale = model.sd().getVariable(link.shortcutScale());
                assertThat(scale.getVariableType()).as(link.shortcutScale()).isEqualTo(VariableType.CONSTANT);
                assertThat(scale.getArr()).isEqualTo(Nd4j.ones(DataType.FLOAT, 16));
            }
        }
    }

    /** Gamma Migration done by hand from the NormLinks alone: the output is unchanged only if they are complete. */
    @Test
    void foldingGammaThroughTheNormLinksLeavesTheOutputUnchanged() {
        Options options = tiny();
        ModelGraph model = build(options, SiteInstrumentation.NONE);
        SameDiff sd = model.sd();
        Nd4j.getRandom().setSeed(3);
        for (NormLink link : model.norms()) {
            sd.getArrForVarName(link.gamma()).assign(Nd4j.rand(DataType.FLOAT, 16).addi(0.5));
            sd.getArrForVarName(link.beta()).assign(Nd4j.randn(DataType.FLOAT, 16).muli(0.3));
        }
        Map<String, INDArray> feeds = family.batch(windows(3, SEQ, VOCAB, 5), options, VOCAB, false, new Random(1));
        INDArray before = sd.output(feeds, model.output()).get(model.output()).dup();

        for (NormLink link : model.norms()) {
            INDArray gamma = sd.getArrForVarName(link.gamma());
            sd.getArrForVarName(link.beta()).divi(gamma);
            for (String w : link.consumerWeights()) {
                sd.getArrForVarName(w).muliColumnVector(gamma.reshape(16, 1));
            }
            if (link.shortcutScale() != null) {
                sd.getArrForVarName(link.shortcutScale()).muli(gamma);
            }
            gamma.assign(1.0);
        }
        INDArray after = sd.output(feeds, model.output()).get(model.output());
        assertThat(after.sub(before).amaxNumber().doubleValue()).isLessThan(1e-4 * before.amaxNumber().doubleValue());
    }

    @Test
    void gradientDescentLowersTheLossOnARepeatedBatch() {
        Options options = tiny();
        ModelGraph model = build(options, SiteInstrumentation.NONE);
        Map<String, INDArray> feeds = family.batch(windows(4, SEQ + 1, VOCAB, 2), options, VOCAB, true, new Random(0));
        List<String> params = model.sd().variables().stream()
                .filter(v -> v.getVariableType() == VariableType.VARIABLE).map(SDVariable::name).toList();
        double first = loss(model, feeds);
        for (int step = 0; step < 12; step++) {
            Map<String, INDArray> grads = model.sd().calculateGradients(feeds, params);
            for (String p : params) {
                model.sd().getArrForVarName(p).subi(grads.get(p).mul(0.5));
            }
        }
        assertThat(loss(model, feeds)).isLessThan(first * 0.7);
    }

    @Test
    void trainingMasksFifteenPercentWithEightyTenTenReplacement() {
        int vocab = 1000;
        int seq = 64;
        Options options = Options.withDefaults(family.options(), Map.of("seq", seq));
        int[][] windows = windows(2000, seq + 1, vocab, 9);
        Map<String, INDArray> feeds = family.batch(windows, options, vocab, true, new Random(42));
        int[][] inputs = feeds.get(PostLnEncoder.TOKENS).toIntMatrix();
        int[][] targets = feeds.get(EncoderMlm.TARGETS).toIntMatrix();
        float[][] selected = feeds.get(EncoderMlm.LOSS_MASK).toFloatMatrix();

        int chosen = 0;
        int masked = 0;
        int replaced = 0;
        int kept = 0;
        for (int b = 0; b < windows.length; b++) {
            assertThat(targets[b]).containsExactly(Arrays.copyOf(windows[b], seq));
            for (int t = 0; t < seq; t++) {
                if (selected[b][t] == 0f) {
                    assertThat(inputs[b][t]).isEqualTo(targets[b][t]);
                    continue;
                }
                chosen++;
                if (inputs[b][t] == vocab) {
                    masked++;
                } else if (inputs[b][t] == targets[b][t]) {
                    kept++;
                } else {
                    replaced++;
                }
            }
        }
        // round(0.15 · 64) = 10 targets per window.
        assertThat(chosen).isEqualTo(2000 * 10);
        assertThat((double) masked / chosen).isCloseTo(0.8, within(0.015));
        assertThat((double) replaced / chosen).isCloseTo(0.1 * (1 - 1.0 / vocab), within(0.01));
        assertThat((double) kept / chosen).isCloseTo(0.1 + 0.1 / vocab, within(0.01));
        assertThat(feeds.get(PostLnEncoder.ATTENTION_MASK).minNumber().doubleValue()).isEqualTo(1.0);
    }

    @Test
    void evaluationMasksEveryTargetAndIsReproducibleFromTheSeed() {
        Options options = tiny();
        int[][] windows = windows(50, SEQ + 1, VOCAB, 3);
        Map<String, INDArray> first = family.batch(windows, options, VOCAB, false, new Random(5));
        Map<String, INDArray> again = family.batch(windows, options, VOCAB, false, new Random(5));
        assertThat(first).isEqualTo(again);
        INDArray selected = first.get(EncoderMlm.LOSS_MASK);
        INDArray isMask = first.get(PostLnEncoder.TOKENS).castTo(DataType.FLOAT).eq(VOCAB).castTo(DataType.FLOAT);
        assertThat(isMask).isEqualTo(selected);
        assertThat(selected.sumNumber().intValue()).isEqualTo(50);
    }

    @Test
    void paddedKeysChangeNoOtherTokenAndNeverReachTheScoresSite() {
        Options options = tiny();
        SiteCapture sites = new SiteCapture();
        ModelGraph model = build(options, sites);
        int[][] windows = windows(2, SEQ, VOCAB, 6);
        Map<String, INDArray> feeds = new HashMap<>(family.batch(windows, options, VOCAB, false, new Random(2)));
        INDArray mask = Nd4j.ones(DataType.FLOAT, 2, SEQ);
        mask.get(NDArrayIndex.all(), NDArrayIndex.interval(5, SEQ)).assign(0);
        feeds.put(PostLnEncoder.ATTENTION_MASK, mask);
        String hidden = sites.variables.get("layer.1.ln2.out").name();
        String scores = sites.variables.get("layer.0.attn.scores").name();
        Map<String, INDArray> out = model.sd().output(feeds, hidden, scores);

        INDArray tokens = feeds.get(PostLnEncoder.TOKENS).dup();
        tokens.get(NDArrayIndex.all(), NDArrayIndex.interval(5, SEQ)).assign(3);
        feeds.put(PostLnEncoder.TOKENS, tokens);
        INDArray changed = model.sd().output(feeds, hidden).get(hidden);

        INDArray kept = out.get(hidden).get(NDArrayIndex.all(), NDArrayIndex.interval(0, 5), NDArrayIndex.all());
        INDArray keptAfter = changed.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 5), NDArrayIndex.all());
        assertThat(keptAfter.sub(kept).amaxNumber().doubleValue()).isLessThan(1e-5);
        assertThat(out.get(scores).minNumber().doubleValue()).isGreaterThan(-100);
    }

    @Test
    void rejectsHiddenNotDivisibleByHeads() {
        Options options = Options.withDefaults(family.options(), Map.of("hidden", 130, "heads", 4));
        assertThatThrownBy(() -> build(options, SiteInstrumentation.NONE))
                .hasMessageContaining("hidden 130 is not divisible by heads 4");
    }

    @Test
    void windowsOfTheWrongLengthAreRejected() {
        assertThatThrownBy(() -> family.batch(windows(1, 5, VOCAB, 3), tiny(), VOCAB, false, new Random(0)))
                .hasMessageContaining("expected seq = 8 (or seq + 1 = 9)");
    }

    @Test
    void tokenIdsOutsideTheVocabularyAreRejected() {
        int[][] windows = windows(1, SEQ, VOCAB, 3);
        windows[0][2] = VOCAB;
        assertThatThrownBy(() -> family.batch(windows, tiny(), VOCAB, true, new Random(0)))
                .hasMessageContaining("token id 11 at window 0, position 2 is outside the vocabulary [0, 11)");
    }
}
