package org.inlier.plugins.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.inlier.api.attention.AttentionVariant;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.model.PatchGrid;
import org.inlier.api.plugin.Options;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.plugins.attention.ClippedSoftmax;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class VisionTransformerTest {

    private final VisionTransformer family = new VisionTransformer();

    private Options options(Map<String, ?> values) {
        return Options.withDefaults(family.options(), values);
    }

    /** 4×4 images in 2×2 patches: 5 tokens. */
    private Options tiny() {
        return options(Map.of("layers", 1, "hidden", 4, "heads", 2, "ffn", 8, "image", 4, "patch", 2));
    }

    private ModelGraph build(Options options, int classes, AttentionVariant attention, Options attentionOptions, SiteInstrumentation sites) {
        return family.build(new ModelSpec(options, classes, attention, attentionOptions, sites, 7, false));
    }

    private ModelGraph build(Options options, int classes) {
        return build(options, classes, new SoftmaxForTests(), Options.empty(), SiteInstrumentation.NONE);
    }

    /** A block: the label, then pixels 0, 1, 2, … (mod 256). */
    private static int[] counting(int label, int side) {
        int[] block = new int[1 + side * side];
        block[0] = label;
        for (int p = 0; p < side * side; p++) {
            block[1 + p] = p % 256;
        }
        return block;
    }

    private static float pixel(int value) {
        return (float) ((value / 255.0 - VisionTransformer.PIXEL_MEAN) / VisionTransformer.PIXEL_STD);
    }

    @Test
    void twentyEightPixelImagesInFourPixelPatchesAreFiftyTokens() {
        assertThat(family.sequenceLength(options(Map.of()))).isEqualTo(50);
    }

    @Test
    void logitsAreOnePerImageAndClass() {
        Options options = options(Map.of("layers", 1, "hidden", 8, "heads", 2, "ffn", 16));
        ModelGraph model = build(options, 10);
        Map<String, INDArray> feeds = family.batch(new int[][] {counting(3, 28), counting(7, 28)}, options, 10, false, new Random(0));

        assertThat(feeds.get(VisionTransformer.PATCHES).shape()).containsExactly(2, 50, 16);
        Map<String, INDArray> out = model.sd().output(feeds, model.output(), model.loss(), ModelGraph.ACCURACY);
        assertThat(out.get(model.output()).shape()).containsExactly(2, 10);
        assertThat(out.get(model.loss()).getDouble(0)).isCloseTo(Math.log(10), within(0.3));
        assertThat(out.get(ModelGraph.ACCURACY).getDouble(0)).isIn(0.0, 0.5, 1.0);
    }

    @Test
    void tokensAreTheClassPositionThenPatchesRowMajor() {
        Map<String, INDArray> feeds = family.batch(new int[][] {counting(2, 4)}, tiny(), 3, false, new Random(0));

        INDArray patches = feeds.get(VisionTransformer.PATCHES);
        assertThat(patches.slice(0).getRow(0).toFloatVector()).containsOnly(0f);
        // Patch 1 (top right) holds pixels (0,2) (0,3) (1,2) (1,3) = values 2, 3, 6, 7.
        assertThat(patches.slice(0).getRow(2).toFloatVector()).containsExactly(pixel(2), pixel(3), pixel(6), pixel(7));
        // Patch 2 (bottom left): values 8, 9, 12, 13.
        assertThat(patches.slice(0).getRow(3).toFloatVector()).containsExactly(pixel(8), pixel(9), pixel(12), pixel(13));
        assertThat(feeds.get(VisionTransformer.LABELS).toFloatVector()).containsExactly(0f, 0f, 1f);
        // The layout the family declares to reports says the same: token 2 is row 0, col 1; token 3 row 1, col 0.
        PatchGrid layout = family.patchGrid(tiny()).orElseThrow();
        assertThat(layout.tokens()).isEqualTo(5);
        assertThat(layout.patchOf(0)).isNull();
        assertThat(layout.patchOf(2)).containsExactly(0, 1);
        assertThat(layout.patchOf(3)).containsExactly(1, 0);
        assertThat(layout.describe(4)).isEqualTo("patch (1, 1)");
    }

    @Test
    void trainingBatchesAreShiftedAndFlippedAndEvaluationBatchesAreNot() {
        Options options = options(Map.of("image", 4, "patch", 2, "crop_padding", 1));
        int[][] block = {counting(0, 4)};
        INDArray plain = family.batch(block, options, 3, false, new Random(0)).get(VisionTransformer.PATCHES);
        assertThat(plain).isEqualTo(family.batch(block, options, 3, false, new Random(1)).get(VisionTransformer.PATCHES));

        boolean changed = false;
        for (int seed = 0; seed < 10; seed++) {
            changed |= !plain.equals(family.batch(block, options, 3, true, new Random(seed)).get(VisionTransformer.PATCHES));
        }
        assertThat(changed).isTrue();

        Options flipOnly = options(Map.of("image", 4, "patch", 2, "crop_padding", 0, "flip", true));
        boolean flipped = false;
        for (int seed = 0; seed < 10 && !flipped; seed++) {
            INDArray p = family.batch(block, flipOnly, 3, true, new Random(seed)).get(VisionTransformer.PATCHES);
            // Mirrored: the first patch holds pixels (0,3) (0,2) (1,3) (1,2) = values 3, 2, 7, 6.
            flipped = java.util.Arrays.equals(p.slice(0).getRow(1).toFloatVector(), new float[] {pixel(3), pixel(2), pixel(7), pixel(6)});
        }
        assertThat(flipped).isTrue();
    }

    @Test
    void aShiftBringsInBackgroundFromOutsideTheImage() {
        float[] image = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        assertThat(ImagePatches.shifted(image, 3, 1, -1, 0)).containsExactly(0, 4, 5, 0, 7, 8, 0, 0, 0);
    }

    @Test
    void declaresEverySiteLikeTheLanguageModels() {
        SiteCapture sites = new SiteCapture();
        build(tiny(), 3, new SoftmaxForTests(), Options.empty(), sites);

        assertThat(sites.declared.stream().map(QuantizationSite::name).toList()).doesNotHaveDuplicates().contains(
                "embed.patch.weight", "embed.class.weight", "embed.position.weight", "embed.sum", "layer.0.ln1.in",
                "layer.0.attn.scores", "layer.0.attn.probs", "layer.0.attn.context", "layer.0.attn.out", "layer.0.attn.residual",
                "layer.0.ln2.out", "layer.0.ffn.hidden", "layer.0.ffn.out", "layer.0.ffn.residual", "final_ln.out", "head.logits",
                "layer.0.attn.q.weight", "head.weight");
    }

    @Test
    void inconsistentOptionsAreRejectedWithWhatIsWrong() {
        assertThatThrownBy(() -> build(options(Map.of("image", 28, "patch", 5)), 10))
                .hasMessageContaining("image size 28 is not divisible by patch 5");
        assertThatThrownBy(() -> build(options(Map.of("hidden", 30, "heads", 4)), 10))
                .hasMessageContaining("hidden 30 is not divisible by heads 4");
        assertThatThrownBy(() -> build(options(Map.of()), 1)).hasMessageContaining("at least 2 classes");
        assertThatThrownBy(() -> family.batch(new int[][] {counting(0, 5)}, tiny(), 3, false, new Random(0)))
                .hasMessageContaining("expected a label and 4x4 pixels = 17");
        assertThatThrownBy(() -> family.batch(new int[][] {counting(3, 4)}, tiny(), 3, false, new Random(0)))
                .hasMessageContaining("labels must be in [0, 3)");
    }

    /**
     * The float32 graph cannot be converted to float64 here (SameDiff's convertDataTypes leaves
     * some op outputs in float32), so each variable is checked along one direction u with
     * a step large enough for float32: (L(θ + hu) − L(θ − hu)) / 2h against the analytic g·u,
     * where u is the unit gradient plus a random perturbation.
     */
    @Test
    void gradientsMatchFiniteDifferencesAlongRandomDirections() {
        ModelGraph model = build(tiny(), 3);
        // Weights of order one, so every gradient is far above float32 noise (initial weights are 0.02).
        Nd4j.getRandom().setSeed(3);
        model.sd().variables().stream().filter(v -> v.getVariableType() == VariableType.VARIABLE)
                .forEach(v -> v.getArr().assign(Nd4j.randn(DataType.FLOAT, v.getArr().shape()).muli(0.7)));
        Map<String, INDArray> feeds = family.batch(new int[][] {counting(0, 4), counting(2, 4)}, tiny(), 3, false, new Random(0));
        List<String> checked = List.of("embed.patch.weight", "embed.class.weight", "embed.position.weight", "layer.0.attn.q.weight",
                "layer.0.attn.k.weight", "layer.0.attn.v.weight", "layer.0.ln1.gamma", "layer.0.ffn.fc1.weight", "final_ln.beta", "head.weight");
        Map<String, INDArray> analytic = model.sd().calculateGradients(feeds, checked);
        for (String name : checked) {
            INDArray values = model.sd().getArrForVarName(name);
            // Along the gradient plus a random part, so g·u is never near zero yet a wrong direction still shows.
            INDArray g = analytic.get(name);
            INDArray u = g.div(g.norm2Number()).addi(Nd4j.rand(DataType.FLOAT, values.shape()).subi(0.5).muli(0.5));
            double exact = g.mul(u).sumNumber().doubleValue();

            double h = 1e-2;
            values.addi(u.mul(h));
            double plus = model.sd().output(feeds, model.loss()).get(model.loss()).getDouble(0);
            values.subi(u.mul(2 * h));
            double minus = model.sd().output(feeds, model.loss()).get(model.loss()).getDouble(0);
            values.addi(u.mul(h));
            double numeric = (plus - minus) / (2 * h);
            assertThat(Math.abs(exact)).as("|g·u| of %s", name).isGreaterThan(1e-3);
            assertThat(Math.abs(exact - numeric) / Math.abs(exact)).as("%s: analytic %s, numeric %s", name, exact, numeric).isLessThan(0.02);
        }
    }

    @Test
    void aTinyVitQuicklyLearnsToTellBrightFromDarkImages() {
        Options options = options(Map.of("layers", 1, "hidden", 16, "heads", 2, "ffn", 32, "image", 8, "patch", 4, "flip", false));
        ModelGraph model = build(options, 2);
        int[][] blocks = new int[8][1 + 64];
        for (int b = 0; b < blocks.length; b++) {
            blocks[b][0] = b % 2; // class 0: bright, class 1: dark, with a little texture
            for (int p = 0; p < 64; p++) {
                blocks[b][1 + p] = (b % 2 == 0 ? 180 : 40) + (p * 7 + b * 13) % 50;
            }
        }
        Map<String, INDArray> feeds = family.batch(blocks, options, 2, false, new Random(0));
        List<String> params = model.sd().variables().stream().filter(v -> v.getVariableType() == VariableType.VARIABLE)
                .map(SDVariable::name).toList();
        double first = model.sd().output(feeds, model.loss()).get(model.loss()).getDouble(0);
        for (int step = 0; step < 20; step++) {
            Map<String, INDArray> grads = model.sd().calculateGradients(feeds, params);
            // Steps of length at most 0.1 (global-norm clipping, as in training): plain SGD on a transformer diverges otherwise.
            double norm = Math.sqrt(grads.values().stream().mapToDouble(g -> Math.pow(g.norm2Number().doubleValue(), 2)).sum());
            double rate = 0.1 / Math.max(norm, 1.0);
            params.forEach(p -> model.sd().getArrForVarName(p).subi(grads.get(p).mul(rate)));
        }
        Map<String, INDArray> last = model.sd().output(feeds, model.loss(), ModelGraph.ACCURACY);
        assertThat(last.get(model.loss()).getDouble(0)).isLessThan(first * 0.2);
        assertThat(last.get(ModelGraph.ACCURACY).getDouble(0)).isEqualTo(1.0);
    }

    /**
     * The examples' α = 0.5 on T = 50 bidirectional tokens (the pitfall): γ = −α/T, so uniform
     * attention 1/T becomes (1 − γ)/T + γ = 1/50 + 0.5/2500 − 0.01 = 0.0102 after the clip, not 0,
     * and the first step's gradient reaches the queries, keys and values.
     */
    @Test
    void clippedSoftmaxWithTheExampleAlphaKeepsUniformAttentionAndPassesGradientInTheFirstStep() {
        Options options = options(Map.of("layers", 1, "hidden", 8, "heads", 2, "ffn", 16));
        ClippedSoftmax clipped = new ClippedSoftmax();
        SiteCapture sites = new SiteCapture();
        ModelGraph model = build(options, 10, clipped, Options.withDefaults(clipped.options(), Map.of("alpha", 0.5)), sites);
        Map<String, INDArray> feeds = family.batch(new int[][] {counting(1, 28), counting(4, 28)}, options, 10, true, new Random(0));

        // Freshly initialised scores are almost equal: every key keeps about 0.0102 of each query's attention.
        INDArray probs = model.sd().output(feeds, sites.variables.get("layer.0.attn.probs").name()).values().iterator().next();
        assertThat(probs.shape()).containsExactly(2, 2, 50, 50);
        assertThat(probs.minNumber().doubleValue()).isGreaterThan(0.008);
        assertThat(probs.meanNumber().doubleValue()).isCloseTo(1.0 / 50 + 0.5 / 2500 - 0.01, within(5e-4));

        Map<String, INDArray> grads = model.sd().calculateGradients(feeds, "layer.0.attn.q.weight", "layer.0.attn.k.weight", "layer.0.attn.v.weight");
        assertThat(grads.get("layer.0.attn.q.weight").norm2Number().doubleValue()).isGreaterThan(1e-6);
        assertThat(grads.get("layer.0.attn.k.weight").norm2Number().doubleValue()).isGreaterThan(1e-6);
        assertThat(grads.get("layer.0.attn.v.weight").norm2Number().doubleValue()).isGreaterThan(1e-6);

        assertThatThrownBy(() -> build(options, 10, clipped, Options.withDefaults(clipped.options(), Map.of("alpha", 4.0)),
                SiteInstrumentation.NONE)).hasMessageContaining("T = 50");
    }
}
