package org.inlier.plugins.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.quant.Granularity;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.SymmetricGrid;
import org.inlier.plugins.models.DecoderClm;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The quickstart's model family (decoder-clm), tiny, exported and run by ONNX Runtime. */
class OnnxExportTest {

    private static final TinyModels DECODER = new TinyModels(new DecoderClm(),
            Map.of("layers", 2, "hidden", 32, "heads", 4, "ffn", 64, "seq", 16), 48);

    @Test
    void floatExportMatchesTheSameDiffForwardToFloatTolerance() {
        ModelGraph fp = DECODER.fp();
        Map<String, INDArray> feeds = DECODER.batch(4, 1);
        OnnxExport export = OnnxExport.of(fp.sd(), null, fp.placeholders(), List.of(fp.output(), fp.loss()), "decoder");
        Map<String, INDArray> expected = fp.sd().output(feeds, fp.output(), fp.loss());
        try (OnnxRuntimeModel ort = OnnxRuntimeModel.load(export.bytes(), 1, "decoder")) {
            Map<String, INDArray> got = ort.run(feeds, List.of(fp.output(), fp.loss()));
            assertThat(got.get(fp.output()).shape()).isEqualTo(expected.get(fp.output()).shape());
            // float32 sums in another order: a few units in the last place of values below 1
            assertThat(got.get(fp.output()).sub(expected.get(fp.output())).amaxNumber().doubleValue()).isLessThan(1e-5);
            assertThat(got.get(fp.loss()).getDouble(0)).isCloseTo(expected.get(fp.loss()).getDouble(0), org.assertj.core.data.Offset.offset(1e-5));
        }
        assertThat(export.encodings().isEmpty()).isTrue();
    }

    @Test
    void w8a8ExportAgreesWithTheFakeQuantSimulationWithinOneStepAtEverySite() {
        QdqAgreement agreement = agreementAt(8, 8);
        assertWithinOneStep(agreement);
        assertThat(agreement.disagreementVsQuantizationNoise()).isLessThan(0.05);
    }

    @Test
    void w4a4TravelsAsInt8ClippedToTheFourBitGrid() {
        assertWithinOneStep(agreementAt(4, 4));
    }

    @Test
    void sixteenBitActivationsTravelAsUint16() {
        QdqAgreement agreement = agreementAt(8, 16);
        assertThat(agreement.maxSteps("embed.sum")).isZero();
        // A 16-bit step (range / 65535) is close to float32 noise once LayerNorm has divided the
        // residual stream by its small σ (≈ 0.02 in a freshly initialised model): measured 3 steps.
        assertThat(agreement.worst().maxSteps()).as("%s", agreement.worst()).isLessThanOrEqualTo(4.001);
    }

    @Test
    void perTokenSitesAreRefusedNamingTheSite() {
        Map<String, QuantParams> params = new HashMap<>();
        params.put("layer.0.attn.probs", new QuantParams(new QuantScheme(8, false, Granularity.TOKEN, -1, SymmetricGrid.RESTRICTED),
                new double[0], new long[0]));
        assertThatThrownBy(() -> DECODER.build(QdqSites.of(params)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer.0.attn.probs").hasMessageContaining("per token");
    }

    private static QdqAgreement agreementAt(int weightBits, int activationBits) {
        Map<String, QuantParams> params = DECODER.calibrate(DECODER.batch(8, 2), weightBits, activationBits);
        return QdqAgreement.measure(DECODER, params, DECODER.batch(4, 1));
    }

    private static void assertWithinOneStep(QdqAgreement agreement) {
        // The first site sees identical inputs (an exact lookup and one addition): identical levels.
        assertThat(agreement.maxSteps("embed.sum")).isZero();
        assertThat(agreement.worst().maxSteps()).as("%s", agreement.worst()).isLessThanOrEqualTo(1.001);
        assertThat(agreement.worstMismatchShare()).as("%s", agreement.worst()).isLessThan(0.01);
    }
}
