package org.inlier.plugins.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.inlier.api.model.NormLink;
import org.inlier.api.plugin.Options;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GammaMigrationTest {

    /** Float tolerance on the whole output, relative to its norm (measured: 1.3e-7 to 1.5e-7). */
    private static final double FLOAT_TOLERANCE = 1e-5;

    private final GammaMigration migration = new GammaMigration();

    private String rewrite(TinyModels.Model model) {
        return migration.rewrite(model.graph(), sites -> Map.of(), Options.withDefaults(migration.options(), Map.of())).orElseThrow();
    }

    @Test
    void preservesThePreLnDecoderOutputToFloatTolerance() {
        TinyModels.Model model = TinyModels.decoder();
        TinyModels.randomizeNorms(model.graph(), 1);
        INDArray before = model.output();

        String report = rewrite(model);

        assertThat(TinyModels.relativeDifference(before, model.output())).isLessThan(FLOAT_TOLERANCE);
        // 2 layers × (ln1 → q, k, v; ln2 → fc1) and final_ln → head.
        assertThat(report).isEqualTo("γ migrated out of 5 LayerNorms into 9 weights and 0 shortcuts");
    }

    @Test
    void preservesThePostLnEncoderOutputToFloatToleranceThroughTheShortcuts() {
        TinyModels.Model model = TinyModels.encoder();
        TinyModels.randomizeNorms(model.graph(), 2);
        INDArray before = model.output();
        INDArray embedGamma = model.array("embed.ln.gamma").dup();

        String report = rewrite(model);

        assertThat(TinyModels.relativeDifference(before, model.output())).isLessThan(FLOAT_TOLERANCE);
        assertThat(model.array("embed.ln.shortcut_scale")).as("the shortcut scale is γ").isEqualTo(embedGamma);
        // embed.ln, layer.i.ln1, layer.0.ln2 feed shortcuts; layer.1.ln2 feeds head.transform; head.ln feeds head.decoder.
        assertThat(report).isEqualTo("γ migrated out of 6 LayerNorms into 10 weights and 4 shortcuts");
    }

    @Test
    void makesEveryLayerNormNonScalingWithBetaOverGamma() {
        TinyModels.Model model = TinyModels.encoder();
        TinyModels.randomizeNorms(model.graph(), 3);
        Map<String, INDArray> betaOverGamma = new HashMap<>();
        for (NormLink link : model.graph().norms()) {
            betaOverGamma.put(link.outputSite(), model.array(link.beta()).div(model.array(link.gamma())));
        }

        rewrite(model);

        for (NormLink link : model.graph().norms()) {
            assertThat(model.array(link.gamma())).as(link.gamma()).isEqualTo(Nd4j.ones(DataType.FLOAT, TinyModels.HIDDEN));
            assertThat(model.array(link.beta()).sub(betaOverGamma.get(link.outputSite())).amaxNumber().doubleValue())
                    .as(link.beta()).isLessThan(1e-6);
        }
    }

    @Test
    void leavesZeroAndTinyGammaInPlaceAndReportsThem() {
        TinyModels.Model model = TinyModels.decoder();
        TinyModels.randomizeNorms(model.graph(), 4);
        NormLink link = model.norm("layer.0.ln2.out");
        INDArray gamma = model.array(link.gamma());
        gamma.putScalar(1, 0.0);
        gamma.putScalar(5, 1e-9);
        double beta1 = model.array(link.beta()).getDouble(1);
        INDArray before = model.output();

        String report = rewrite(model);

        assertThat(TinyModels.relativeDifference(before, model.output())).isLessThan(FLOAT_TOLERANCE);
        assertThat(gamma.getDouble(1)).isZero();
        assertThat(gamma.getDouble(5)).isCloseTo(1e-9, within(1e-15));
        assertThat(gamma.getDouble(0)).isEqualTo(1.0);
        assertThat(model.array(link.beta()).getDouble(1)).as("β of a kept channel is not divided").isEqualTo(beta1);
        assertThat(report).endsWith("; left in place: 2 channels of layer.0.ln2.out (|γ| < 1.0E-6)");
    }

    @Test
    void skipsALayerNormWhoseOutputIsTheModelOutput() {
        TinyModels.Model model = TinyModels.headlessEncoder();
        TinyModels.randomizeNorms(model.graph(), 5);
        NormLink last = model.norm("layer.1.ln2.out");
        INDArray lastGamma = model.array(last.gamma()).dup();
        INDArray before = model.output();

        String report = rewrite(model);

        assertThat(TinyModels.relativeDifference(before, model.output())).isLessThan(FLOAT_TOLERANCE);
        assertThat(model.array(last.gamma())).isEqualTo(lastGamma);
        assertThat(report).isEqualTo("γ migrated out of 4 LayerNorms into 8 weights and 4 shortcuts; "
                + "skipped layer.1.ln2.out (feeds no weight and no shortcut)");
    }

    @Test
    void shrinksTheQuantizedLayerNormOutputWhenGammaHasALargeEntry() {
        TinyModels.Model model = TinyModels.decoder();
        TinyModels.randomizeNorms(model.graph(), 6);
        model.array("layer.0.ln1.gamma").putScalar(3, 40.0);
        double before = model.site("layer.0.ln1.out").amaxNumber().doubleValue();

        rewrite(model);

        double after = model.site("layer.0.ln1.out").amaxNumber().doubleValue();
        // γ = 40 on a normalised channel (|n| ≤ √15 over 16 features) makes an outlier; n(x) + β/γ has
        // none. Measured: max |x| 85 → 3.7.
        assertThat(before).isGreaterThan(20);
        assertThat(after).isLessThan(before / 5);
    }

    @Test
    void actsOnlyThroughTheRewrite() {
        Options defaults = Options.withDefaults(migration.options(), Map.of());

        assertThat(defaults.getDouble("min_abs_gamma")).isEqualTo(1e-6);
        assertThat(migration.lossTerm(Map.of(), defaults)).isEqualTo(Optional.empty());
        assertThat(migration.chooseRanges(null, defaults)).isEqualTo(Optional.empty());
    }
}
