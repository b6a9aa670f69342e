package org.inlier.plugins.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.quant.QuantParams;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Runs a model's QDQ export with ONNX Runtime beside Inlier's fake-quant simulation and compares
 * every quantized activation site, in steps of that site's own scale.
 *
 * <p>Why a tolerance at all: each QuantizeLinear–DequantizeLinear pair computes exactly what
 * Inlier's fake quantization computes from the same input (float32 {@code x / s}, rounding half to
 * even, saturation or the clip to the grid, {@code (q − z)·s}). The inputs differ in the last float
 * bits, because ONNX Runtime's MatMul, Softmax and LayerNormalization sum in another order than
 * ND4J/OpenBLAS; where {@code x / s} lies that close to a rounding boundary the two round to
 * neighbouring levels — one step apart — and the difference travels on to later sites.
 */
final class QdqAgreement {

    /** The worst site: its name, the largest difference in steps, and the share of elements not on the same level. */
    record Worst(String site, double maxSteps, double mismatchShare) {
    }

    private final Map<String, Double> maxSteps = new LinkedHashMap<>();
    private double quantizationNoise;
    private double disagreement;
    private final Map<String, Double> mismatch = new LinkedHashMap<>();

    /** Compares every activation site on one batch. */
    static QdqAgreement measure(TinyModels models, Map<String, QuantParams> params, Map<String, INDArray> feeds) {
        TinyModels.FakeQuant fakeQuant = new TinyModels.FakeQuant(params);
        ModelGraph simulated = models.build(fakeQuant);
        QdqSites sites = QdqSites.of(params);
        ModelGraph marked = models.build(sites);
        List<String> activationSites = new ArrayList<>();
        params.forEach((site, p) -> {
            if (!site.endsWith(".weight") && !site.endsWith(".position.weight")) {
                activationSites.add(site);
            }
        });
        List<String> fetch = new ArrayList<>();
        activationSites.forEach(site -> fetch.add(site + QdqSites.SUFFIX));
        if (!fetch.contains(marked.output())) {
            fetch.add(marked.output());
        }
        OnnxExport export = OnnxExport.of(marked.sd(), sites, marked.placeholders(), fetch, "qdq");
        List<String> simulatedFetch = new ArrayList<>(activationSites.stream().map(fakeQuant.outputs::get).toList());
        simulatedFetch.add(simulated.output());
        Map<String, INDArray> expected = simulated.sd().output(feeds, simulatedFetch);
        ModelGraph fp = models.fp();
        INDArray fpOutput = fp.sd().output(feeds, fp.output()).get(fp.output()).castTo(DataType.DOUBLE);
        QdqAgreement agreement = new QdqAgreement();
        try (OnnxRuntimeModel ort = OnnxRuntimeModel.load(export.bytes(), 1, "qdq")) {
            Map<String, INDArray> got = ort.run(feeds, fetch);
            INDArray simulatedOutput = expected.get(simulated.output()).castTo(DataType.DOUBLE);
            INDArray ortOutput = got.get(marked.output()).castTo(DataType.DOUBLE);
            agreement.quantizationNoise = simulatedOutput.sub(fpOutput).norm2Number().doubleValue();
            agreement.disagreement = ortOutput.sub(simulatedOutput).norm2Number().doubleValue();
            for (String site : activationSites) {
                double scale = params.get(site).scale()[0];
                INDArray steps = Transforms.abs(got.get(site + QdqSites.SUFFIX).castTo(DataType.DOUBLE)
                        .sub(expected.get(fakeQuant.outputs.get(site)).castTo(DataType.DOUBLE))).divi(scale);
                agreement.maxSteps.put(site, steps.maxNumber().doubleValue());
                agreement.mismatch.put(site, steps.gt(0.5).castTo(DataType.DOUBLE).meanNumber().doubleValue());
            }
        }
        return agreement;
    }

    /**
     * The first site, in the order the model declares them, where ONNX Runtime and the simulation
     * disagree on any level; every site before it agrees exactly. Empty when all agree.
     */
    java.util.Optional<Worst> firstDivergence() {
        return maxSteps.keySet().stream().filter(site -> maxSteps.get(site) > 0)
                .map(site -> new Worst(site, maxSteps.get(site), mismatch.get(site))).findFirst();
    }

    /**
     * How far ONNX Runtime's output is from the simulation's, relative to how far the simulation's
     * is from the floating-point model's: {@code ‖ort − sim‖ / ‖sim − fp‖} over the batch.
     */
    double disagreementVsQuantizationNoise() {
        return disagreement / quantizationNoise;
    }

    /** The largest difference of a site, in steps of its scale. */
    double maxSteps(String site) {
        assertThat(maxSteps).containsKey(site);
        return maxSteps.get(site);
    }

    /** The site with the largest difference in steps. */
    Worst worst() {
        String worst = null;
        for (String site : maxSteps.keySet()) {
            if (worst == null || maxSteps.get(site) > maxSteps.get(worst)) {
                worst = site;
            }
        }
        return new Worst(worst, maxSteps.get(worst), mismatch.get(worst));
    }

    /** The largest share of elements off their simulated level at any site. */
    double worstMismatchShare() {
        return mismatch.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
