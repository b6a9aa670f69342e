package org.inlier.plugins.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.api.site.SiteKind;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

class DecoderClmTest {

    private static final int VOCAB = 11;
    private final DecoderClm family = new DecoderClm();

    private Options tiny() {
        return Options.withDefaults(family.options(), Map.of("layers", 2, "hidden", 16, "heads", 2, "ffn", 32, "seq", 8));
    }

    private ModelGraph build(Options options, SiteInstrumentation sites) {
        return family.build(new ModelSpec(options, VOCAB, new SoftmaxForTests(), Options.empty(), sites, 7, false));
    }

    private int[][] windows(int batch, int length, long seed) {
        Random r = new Random(seed);
        int[][] w = new int[batch][length];
        for (int[] row : w) {
            for (int t = 0; t < length; t++) {
                row[t] = r.nextInt(VOCAB);
            }
        }
        return w;
    }

    @Test
    void initialLossIsCloseToUniformCrossEntropy() {
        Options options = tiny();
        ModelGraph model = build(options, SiteInstrumentation.NONE);
        Map<String, INDArray> feeds = family.batch(windows(4, 9, 1), options, VOCAB, false, new Random(0));
        double loss = model.sd().output(feeds, model.loss()).get(model.loss()).getDouble(0);
        assertThat(loss).isCloseTo(Math.log(VOCAB), org.assertj.core.data.Offset.offset(0.2));
    }

    @Test
    void declaresEverySiteThePapersQuantize() {
        List<QuantizationSite> declared = new ArrayList<>();
        build(tiny(), new SiteInstrumentation() {
            @Override
            public SDVariable activation(QuantizationSite site, SDVariable x) {
                declared.add(site);
                return x;
            }

            @Override
            public SDVariable weight(QuantizationSite site, SDVariable w) {
                declared.add(site);
                return w;
            }
        });
        List<String> names = declared.stream().map(QuantizationSite::name).toList();
        assertThat(names).doesNotHaveDuplicates().contains("embed.sum", "layer.1.attn.scores", "layer.1.attn.probs",
                "layer.1.attn.context", "layer.1.attn.out", "layer.1.ffn.out", "layer.1.ffn.residual", "layer.0.ln2.out",
                "final_ln.out", "head.logits", "layer.0.attn.q.weight", "layer.1.ffn.fc2.weight", "head.weight");
        assertThat(declared).extracting(QuantizationSite::kind).contains(SiteKind.values());
    }

    @Test
    void gradientDescentLowersTheLossOnARepeatedBatch() {
        Options options = tiny();
        ModelGraph model = build(options, SiteInstrumentation.NONE);
        Map<String, INDArray> feeds = family.batch(windows(4, 9, 2), options, VOCAB, true, new Random(0));
        List<String> params = model.sd().variables().stream()
                .filter(v -> v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE).map(SDVariable::name).toList();
        double first = model.sd().output(feeds, model.loss()).get(model.loss()).getDouble(0);
        for (int step = 0; step < 30; step++) {
            Map<String, INDArray> grads = model.sd().calculateGradients(feeds, params);
            for (String p : params) {
                model.sd().getArrForVarName(p).subi(grads.get(p).mul(0.5));
            }
        }
        double last = model.sd().output(feeds, model.loss()).get(model.loss()).getDouble(0);
        assertThat(last).isLessThan(first * 0.7);
    }

    @Test
    void theAttentionScoresSiteHoldsScoresBeforeTheCausalMask() {
        Options options = tiny();
        Map<String, SDVariable> sites = new java.util.HashMap<>();
        ModelGraph model = build(options, new SiteInstrumentation() {
            @Override
            public SDVariable activation(QuantizationSite site, SDVariable x) {
                sites.put(site.name(), x);
                return x;
            }

            @Override
            public SDVariable weight(QuantizationSite site, SDVariable w) {
                return w;
            }
        });
        Map<String, INDArray> feeds = family.batch(windows(2, 9, 4), options, VOCAB, false, new Random(0));
        INDArray scores = model.sd().output(feeds, sites.get("layer.0.attn.scores").name()).values().iterator().next();
        // Masked entries are −1e9 after the mask; a quantizer's range must never see them.
        assertThat(scores.minNumber().doubleValue()).isGreaterThan(-100);
    }

    @Test
    void rejectsHiddenNotDivisibleByHeads() {
        Options options = Options.withDefaults(family.options(), Map.of("hidden", 130, "heads", 4));
        assertThatThrownBy(() -> build(options, SiteInstrumentation.NONE))
                .hasMessageContaining("hidden 130 is not divisible by heads 4");
    }

    @Test
    void windowsOfTheWrongLengthAreRejected() {
        assertThatThrownBy(() -> family.batch(windows(1, 5, 3), tiny(), VOCAB, false, new Random(0)))
                .hasMessageContaining("expected seq + 1 = 9");
    }
}
