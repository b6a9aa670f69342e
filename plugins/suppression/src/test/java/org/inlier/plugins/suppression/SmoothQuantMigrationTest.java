package org.inlier.plugins.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.inlier.api.model.NormLink;
import org.inlier.api.plugin.Options;
import org.inlier.api.suppression.RewriteContext;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SmoothQuantMigrationTest {

    /** Float tolerance on the whole output, relative to its norm (measured: 1.2e-7 to 2.0e-7). */
    private static final double FLOAT_TOLERANCE = 1e-5;

    /** Every LayerNorm output's per-channel max |x| on the model's batch, as the calibrate stage would measure it. */
    private static Map<String, INDArray> statistics(TinyModels.Model model) {
        Map<String, INDArray> max = new LinkedHashMap<>();
        for (NormLink link : model.graph().norms()) {
            max.put(link.outputSite(), model.channelAbsMax(link.outputSite()));
        }
        return max;
    }

    /** The per-row max |w| over the link's consumer weights, as in the paper. */
    private static double[] weightMax(TinyModels.Model model, NormLink link) {
        return SmoothQuantMigration.weightAbsMax(model.graph(), link, TinyModels.HIDDEN);
    }

    @Test
    void preservesThePreLnDecoderOutputToFloatTolerance() {
        TinyModels.Model model = TinyModels.decoder();
        TinyModels.randomizeNorms(model.graph(), 11);
        INDArray before = model.output();

        String report = SmoothQuantMigration.migrate(model.graph(), statistics(model), 0.5);

        assertThat(TinyModels.relativeDifference(before, model.output())).isLessThan(FLOAT_TOLERANCE);
        assertThat(report).isEqualTo("SmoothQuant scales (α = 0.5) migrated out of 5 LayerNorms into 9 weights and 0 shortcuts");
    }

    @Test
    void preservesThePostLnEncoderOutputToFloatTolerance() {
        TinyModels.Model model = TinyModels.encoder();
        TinyModels.randomizeNorms(model.graph(), 12);
        INDArray before = model.output();

        String report = SmoothQuantMigration.migrate(model.graph(), statistics(model), 0.5);

        assertThat(TinyModels.relativeDifference(before, model.output())).isLessThan(FLOAT_TOLERANCE);
        assertThat(report).isEqualTo("SmoothQuant scales (α = 0.5) migrated out of 6 LayerNorms into 10 weights and 4 shortcuts");
    }

    @Test
    void atAlphaOneHalfActivationAndWeightRangesMeetAtTheirGeometricMean() {
        TinyModels.Model model = TinyModels.decoder();
        TinyModels.randomizeNorms(model.graph(), 13);
        model.array("layer.0.ln1.gamma").putScalar(2, 30.0); // an outlier channel
        NormLink link = model.norm("layer.0.ln1.out");
        double[] x = model.channelAbsMax(link.outputSite()).toDoubleVector();
        double[] w = weightMax(model, link);

        SmoothQuantMigration.migrate(model.graph(), statistics(model), 0.5);

        double[] xAfter = model.channelAbsMax(link.outputSite()).toDoubleVector();
        double[] wAfter = weightMax(model, link);
        for (int j = 0; j < x.length; j++) {
            double mean = Math.sqrt(x[j] * w[j]);
            assertThat(xAfter[j]).as("max |X_%d|", j).isCloseTo(mean, within(1e-4 * mean));
            assertThat(wAfter[j]).as("max |W_%d|", j).isCloseTo(mean, within(1e-4 * mean));
        }
        assertThat(xAfter[2]).as("the outlier channel shrinks").isLessThan(x[2] / 10);
    }

    @Test
    void alphaZeroNormalisesTheWeightRowsAndAlphaOneTheActivations() {
        TinyModels.Model weights = TinyModels.decoder();
        TinyModels.randomizeNorms(weights.graph(), 14);
        SmoothQuantMigration.migrate(weights.graph(), statistics(weights), 0.0);
        TinyModels.Model activations = TinyModels.decoder();
        TinyModels.randomizeNorms(activations.graph(), 14);
        SmoothQuantMigration.migrate(activations.graph(), statistics(activations), 1.0);

        NormLink link = weights.norm("layer.1.ln2.out");
        for (double m : weightMax(weights, link)) {
            assertThat(m).isCloseTo(1.0, within(1e-5));
        }
        for (double m : activations.channelAbsMax(link.outputSite()).toDoubleVector()) {
            assertThat(m).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void skipsLayerNormsWithoutWeightsOrStatistics() {
        TinyModels.Model model = TinyModels.headlessEncoder();
        TinyModels.randomizeNorms(model.graph(), 15);
        Map<String, INDArray> stats = statistics(model);
        stats.remove("layer.0.ln1.out");
        INDArray before = model.output();

        String report = SmoothQuantMigration.migrate(model.graph(), stats, 0.5);

        assertThat(TinyModels.relativeDifference(before, model.output())).isLessThan(FLOAT_TOLERANCE);
        assertThat(report).isEqualTo("SmoothQuant scales (α = 0.5) migrated out of 3 LayerNorms into 7 weights and 3 shortcuts; "
                + "skipped layer.0.ln1.out (no activation statistics), layer.1.ln2.out (feeds no weight)");
    }

    @Test
    void factorsAreClampedSoThatDeadChannelsAndZeroRowsGiveNoZero() {
        double[] s = SmoothQuantMigration.factors(new double[] {4, 0, 9}, new double[] {1, 1, 0}, 0.5);

        assertThat(s[0]).isEqualTo(2.0);
        assertThat(s[1]).isEqualTo(SmoothQuantMigration.MIN_FACTOR);
        assertThat(s[2]).isCloseTo(3 / Math.sqrt(SmoothQuantMigration.MIN_FACTOR), within(1e-6));
    }

    @Test
    void statisticsOfTheWrongWidthOrAlphaOutOfRangeAreRejected() {
        TinyModels.Model model = TinyModels.decoder();
        Map<String, INDArray> stats = statistics(model);
        stats.put("layer.0.ln2.out", Nd4j.ones(3));

        assertThatThrownBy(() -> SmoothQuantMigration.migrate(model.graph(), stats, 0.5))
                .hasMessage("max |x| of layer.0.ln2.out has shape [3], expected (16): one value per channel");
        assertThatThrownBy(() -> SmoothQuantMigration.migrate(model.graph(), statistics(model), 1.5))
                .hasMessage("alpha must be in [0, 1], got 1.5");
    }

    @Test
    void thePluginMigratesWithTheStatisticsTheCalibrateStageMeasuresAndKeepsTheOutput() {
        SmoothQuant plugin = new SmoothQuant();
        Options defaults = Options.withDefaults(plugin.options(), Map.of());
        TinyModels.Model model = TinyModels.decoder();
        INDArray before = model.output();
        RewriteContext measured = sites -> {
            Map<String, INDArray> stats = new java.util.HashMap<>();
            sites.forEach(site -> stats.put(site, model.channelAbsMax(site)));
            return stats;
        };

        assertThat(defaults.getDouble("alpha")).isEqualTo(0.5);
        assertThat(plugin.rewrite(model.graph(), measured, defaults)).isPresent();
        INDArray after = model.output();
        assertThat(after.sub(before).norm2Number().doubleValue() / before.norm2Number().doubleValue()).isLessThan(1e-5);
        assertThat(plugin.lossTerm(Map.of(), defaults)).isEqualTo(Optional.empty());
        assertThat(plugin.chooseRanges(null, defaults)).isEqualTo(Optional.empty());
    }
}
