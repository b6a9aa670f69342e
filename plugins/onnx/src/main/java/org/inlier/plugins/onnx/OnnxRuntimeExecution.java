package org.inlier.plugins.onnx;

import java.util.List;
import java.util.Map;
import org.inlier.api.backend.CompiledModel;
import org.inlier.api.backend.ModelExecution;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.site.QuantizationSite;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A quantized model marked for QDQ export while it is built, then exported in memory and loaded into ONNX Runtime. */
final class OnnxRuntimeExecution implements ModelExecution {

    private final QdqSites sites;
    private final int threads;

    OnnxRuntimeExecution(Map<String, QuantParams> params, int threads) {
        this.sites = QdqSites.of(params);
        this.threads = threads;
    }

    @Override
    public SDVariable activation(QuantizationSite site, SDVariable x) {
        return sites.activation(site, x);
    }

    @Override
    public SDVariable weight(QuantizationSite site, SDVariable w) {
        return sites.weight(site, w);
    }

    @Override
    public CompiledModel compile(ModelGraph model, List<String> outputs) {
        OnnxExport export = OnnxExport.of(model.sd(), sites, model.placeholders(), outputs, "inlier-qdq");
        byte[] file = export.bytes();
        OnnxRuntimeModel session = OnnxRuntimeModel.load(file, threads, "the exported QDQ model");
        String description = "ONNX Runtime on the exported QDQ model (" + export.encodings().size() + " quantized sites, "
                + file.length / 1024 + " KiB)";
        return new CompiledModel() {
            @Override
            public Map<String, INDArray> run(Map<String, INDArray> feeds) {
                return session.run(feeds, outputs);
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public void close() {
                session.close();
            }
        };
    }
}
