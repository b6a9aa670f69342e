package org.inlier.runtime.stages;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.suppression.RewriteContext;
import org.inlier.runtime.model.SiteRecorder;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Per-channel activation statistics on the calibration batches, for rewrites that scale by them
 * (SmoothQuant). Measured on request with the model as it is then, so each rewrite sees the
 * effect of the ones before it.
 */
final class ChannelStatistics implements RewriteContext {

    private final ModelGraph model;
    private final Map<String, String> variables = new LinkedHashMap<>();
    private final List<Map<String, INDArray>> batches;

    ChannelStatistics(ModelGraph model, SiteRecorder sites, List<Map<String, INDArray>> batches) {
        this.model = model;
        this.batches = batches;
        for (Map.Entry<QuantizationSite, SDVariable> e : sites.sites().entrySet()) {
            variables.put(e.getKey().name(), e.getValue().name());
        }
    }

    @Override
    public Map<String, INDArray> channelAbsMax(Collection<String> sites) {
        Map<String, INDArray> max = new LinkedHashMap<>();
        List<String> fetch = sites.stream().map(site -> {
            String variable = variables.get(site);
            if (variable == null) {
                throw new IllegalArgumentException("no activation site '" + site + "' in the model");
            }
            return variable;
        }).toList();
        for (Map<String, INDArray> feeds : batches) {
            Map<String, INDArray> values = model.sd().output(feeds, fetch);
            for (String site : sites) {
                INDArray x = values.get(variables.get(site));
                INDArray perChannel = Transforms.abs(x.reshape(-1, x.size(x.rank() - 1)), true).max(0); // (channels)
                max.merge(site, perChannel, Transforms::max);
            }
        }
        return max;
    }
}
