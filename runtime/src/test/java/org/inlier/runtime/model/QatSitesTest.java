package org.inlier.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Set;
import org.inlier.api.plugin.PluginKind;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Quantizer;
import org.inlier.api.quant.Range;
import org.inlier.api.quant.SymmetricGrid;
import org.inlier.api.site.QuantizationSite;
import org.inlier.runtime.plugins.PluginDiscovery;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class QatSitesTest {

    private static final Quantizer QUANTIZER = PluginDiscovery.discover(null).require(PluginKind.QUANTIZER, "uniform-affine", Quantizer.class);

    /** A {@code [in = 3, out = 4]} weight: output channels are the columns (axis 1), as the model families declare. */
    private static final float[][] WEIGHT = {{0.3f, -1.2f, 0.05f, 2.0f}, {-0.7f, 0.4f, 0.9f, -0.1f}, {1.5f, -0.2f, 0.0f, 0.6f}};
    /** The upstream gradient: {@code ∂loss/∂ŵ} for {@code loss = Σ ŵ ⊙ upstream}. */
    private static final float[][] UPSTREAM = {{0.5f, -2.0f, 1.0f, 3.0f}, {-1.5f, 0.25f, 2.0f, -0.75f}, {4.0f, 1.0f, -3.0f, 0.1f}};

    private record Graph(SameDiff sd, SDVariable quantized) {
    }

    private static Graph weightGraph(Granularity granularity) {
        SameDiff sd = SameDiff.create();
        SDVariable w = sd.var("w", Nd4j.createFromArray(WEIGHT));
        SDVariable q = QatSites.fakeQuantizeWeight(QUANTIZER, w, 1, granularity, 4);
        SDVariable loss = q.mul(sd.constant("upstream", Nd4j.createFromArray(UPSTREAM))).sum().rename("loss");
        sd.setLossVariables(loss.name());
        return new Graph(sd, q);
    }

    @Test
    void weightGradientIsTheUpstreamGradientInsideTheRange() {
        for (Granularity g : new Granularity[] {Granularity.CHANNEL, Granularity.TENSOR}) {
            Map<String, INDArray> gradients = weightGraph(g).sd().calculateGradients(Map.of(), "w");
            // Ranges are the weight's own min-max, so every value lies inside and gets its upstream gradient unchanged.
            assertThat(gradients.get("w")).as(g.name()).isEqualTo(Nd4j.createFromArray(UPSTREAM));
        }
    }

    @Test
    void weightsAreRoundedOntoTheGridPostTrainingQuantizationUses() {
        Graph graph = weightGraph(Granularity.CHANNEL);
        INDArray q = graph.sd().output(Map.<String, INDArray>of(), graph.quantized().name()).get(graph.quantized().name());
        // By hand, column 0 at 4 bits: scale = 1.5 / 7; 0.3 / scale = 1.4 → 1, −0.7 / scale = −3.27 → −3, 1.5 → 7.
        double scale = 1.5 / 7;
        assertThat(q.getDouble(0, 0)).isCloseTo(scale, within(1e-6));
        assertThat(q.getDouble(1, 0)).isCloseTo(-3 * scale, within(1e-6));
        assertThat(q.getDouble(2, 0)).isCloseTo(1.5, within(1e-6));
        // The whole tensor equals the quantizer's per-channel symmetric fake quantization with min-max ranges (RTN).
        INDArray w = Nd4j.createFromArray(WEIGHT);
        Range columns = new Range(w.min(0).castTo(DataType.DOUBLE).toDoubleVector(), w.max(0).castTo(DataType.DOUBLE).toDoubleVector());
        QuantScheme perChannel = new QuantScheme(4, true, Granularity.CHANNEL, 1, SymmetricGrid.RESTRICTED);
        assertThat(q).isEqualTo(QUANTIZER.fakeQuantize(w, QUANTIZER.params(perChannel, columns)));

        Graph tensor = weightGraph(Granularity.TENSOR);
        INDArray t = tensor.sd().output(Map.<String, INDArray>of(), tensor.quantized().name()).get(tensor.quantized().name());
        assertThat(t).isEqualTo(QUANTIZER.fakeQuantize(w, QUANTIZER.params(QuantScheme.symmetricPerTensor(4), Range.of(-1.2, 2.0))));
    }

    @Test
    void onlyTheSelectedWeightsAreQuantized() {
        QatSites sites = new QatSites(QUANTIZER, 4, Map.of(), Set.of("a.weight"), Granularity.CHANNEL);
        SameDiff sd = SameDiff.create();
        SDVariable a = sd.var("a.weight", Nd4j.createFromArray(WEIGHT));
        SDVariable b = sd.var("b.weight", Nd4j.createFromArray(WEIGHT));
        assertThat(sites.weight(QuantizationSite.weight("a.weight", 0, 1), a)).isNotSameAs(a);
        assertThat(sites.weight(QuantizationSite.weight("b.weight", 0, 1), b)).isSameAs(b);
    }
}
