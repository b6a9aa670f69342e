package org.inlier.plugins.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.site.SiteInstrumentation;
import org.inlier.plugins.models.DecoderClm;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class OnnxExportTest {

    private static final TinyModels DECODER = new TinyModels(new DecoderClm(),
            Map.of("layers", 2, "hidden", 32, "heads", 4, "ffn", 64, "seq", 16), 48);

    @Test
    void floatExportMatchesTheSameDiffForwardToFloatTolerance() {
        ModelGraph fp = DECODER.build(SiteInstrumentation.NONE);
        Map<String, INDArray> feeds = DECODER.batch(4, 1);
        OnnxExport export = OnnxExport.of(fp.sd(), null, fp.placeholders(), List.of(fp.output(), fp.loss()), "decoder");
        INDArray expected = fp.sd().output(feeds, fp.output()).get(fp.output());
        try (OnnxRuntimeModel ort = OnnxRuntimeModel.load(export.bytes(), 1, "decoder")) {
            Map<String, INDArray> got = ort.run(feeds, List.of(fp.output(), fp.loss()));
            System.out.println("fp max diff " + got.get(fp.output()).sub(expected).amaxNumber() + " max " + expected.amaxNumber());
            assertThat(got.get(fp.output()).shape()).isEqualTo(expected.shape());
        }
    }

    @Test
    void qdqExportMatchesFakeQuantization() {
        Map<String, INDArray> feeds = DECODER.batch(4, 1);
        Map<String, QuantParams> params = DECODER.calibrate(DECODER.batch(8, 2), 8, 8);
        ModelGraph simulated = DECODER.build(TinyModels.fakeQuant(params));
        QdqSites sites = QdqSites.of(params);
        ModelGraph marked = DECODER.build(sites);
        OnnxExport export = OnnxExport.of(marked.sd(), sites, marked.placeholders(), List.of(marked.output()), "decoder-w8a8");
        INDArray expected = simulated.sd().output(feeds, simulated.output()).get(simulated.output());
        try (OnnxRuntimeModel ort = OnnxRuntimeModel.load(export.bytes(), 1, "decoder-w8a8")) {
            INDArray got = ort.run(feeds, List.of(marked.output())).get(marked.output());
            System.out.println("qdq max diff " + got.sub(expected).amaxNumber() + " max " + expected.amaxNumber());
        }
        System.out.println(new String(export.encodings().json()).substring(0, 800));
    }
}
