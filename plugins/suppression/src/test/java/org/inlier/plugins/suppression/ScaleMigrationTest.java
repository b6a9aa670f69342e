package org.inlier.plugins.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.inlier.api.model.NormLink;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

class ScaleMigrationTest {

    /** γ, β, a (2, 3) consumer and a shortcut scale, in float64. */
    private static SameDiff graph() {
        SameDiff sd = SameDiff.create();
        sd.var("g", Nd4j.createFromArray(2.0, -4.0));
        sd.var("b", Nd4j.createFromArray(1.0, 2.0));
        sd.var("w", Nd4j.createFromArray(new double[][] {{1, 2, 3}, {4, 5, 6}}));
        sd.constant("c", Nd4j.createFromArray(1.0, 0.5));
        return sd;
    }

    private static final NormLink LINK = new NormLink("ln.out", "g", "b", List.of("w"), "c");

    @Test
    void dividesGammaAndBetaAndMultipliesWeightRowsAndShortcut() {
        SameDiff sd = graph();

        ScaleMigration.apply(sd, LINK, new double[] {2, -4});

        assertThat(sd.getArrForVarName("g").toDoubleVector()).containsExactly(1, 1);
        assertThat(sd.getArrForVarName("b").toDoubleVector()).containsExactly(0.5, -0.5);
        assertThat(sd.getArrForVarName("w").toDoubleMatrix()).isEqualTo(new double[][] {{2, 4, 6}, {-16, -20, -24}});
        assertThat(sd.getArrForVarName("c").toDoubleVector()).containsExactly(2, -2);
    }

    @Test
    void aWeightOfAnotherWidthIsNamedAndNothingChanges() {
        SameDiff sd = graph();
        sd.var("wide", Nd4j.zeros(3, 4));
        NormLink link = new NormLink("ln.out", "g", "b", List.of("w", "wide"), "c");

        assertThatThrownBy(() -> ScaleMigration.apply(sd, link, new double[] {2, 2}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("consumer weight wide has shape [3, 4], expected (2, out): one row per LayerNorm channel");
        assertThat(sd.getArrForVarName("g").toDoubleVector()).containsExactly(2, -4);
        assertThat(sd.getArrForVarName("w").getDouble(0, 0)).isEqualTo(1.0);
    }

    @Test
    void aZeroFactorIsRejected() {
        assertThatThrownBy(() -> ScaleMigration.apply(graph(), LINK, new double[] {1, 0}))
                .hasMessageContaining("scale of channel 1 of ln.out is 0.0");
    }

    @Test
    void aLayerNormNeedsAWeightOrAShortcutToMigrateInto() {
        assertThat(ScaleMigration.hasConsumers(LINK)).isTrue();
        assertThat(ScaleMigration.hasConsumers(new NormLink("a", "g", "b", List.of(), "c"))).isTrue();
        assertThat(ScaleMigration.hasConsumers(new NormLink("a", "g", "b", List.of("w"), null))).isTrue();
        assertThat(ScaleMigration.hasConsumers(new NormLink("a", "g", "b", List.of(), null))).isFalse();
    }
}
