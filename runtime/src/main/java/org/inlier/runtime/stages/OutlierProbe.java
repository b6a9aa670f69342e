package org.inlier.runtime.stages;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.inlier.api.data.Split;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.site.QuantizationSite;
import org.inlier.runtime.metrics.OutlierMetrics;
import org.inlier.runtime.model.SiteRecorder;
import org.inlier.runtime.report.Sections;
import org.inlier.runtime.train.TokenWindows;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Measures the papers' outlier metrics during training on one fixed held-out batch, so a user
 * sees when and where outliers emerge (the papers show they appear early and grow).
 */
final class OutlierProbe {

    /** Enough sequences for a stable mean, few enough to cost little next to a training step. */
    private static final int SEQUENCES = 8;

    private final RunContext run;
    private final Map<String, String> headline = new LinkedHashMap<>();
    private final Map<String, INDArray> feeds;

    OutlierProbe(RunContext run, SiteRecorder sites, int seq) {
        this.run = run;
        for (Map.Entry<QuantizationSite, SDVariable> e : sites.sites().entrySet()) {
            if (EvaluateStage.HEADLINE_SITES.contains(e.getKey().kind())) {
                headline.put(e.getKey().name(), e.getValue().name());
            }
        }
        TokenWindows windows = TokenWindows.of(run.corpus(), Split.VALID, seq + 1);
        this.feeds = run.family().batch(windows.sequential(0, Math.min(SEQUENCES, windows.count())),
                run.config().model().options(), run.corpus().tokenizer().vocabSize(), false, new Random(0));
    }

    /** Records max ∞-norm and average kurtosis over the headline sites at this step. */
    void measure(ModelGraph model, int step) {
        List<String> fetch = new ArrayList<>(headline.values());
        Map<String, INDArray> values = model.sd().output(feeds, fetch);
        double maxInfNorm = 0;
        double kurtosisSum = 0;
        for (String variable : fetch) {
            OutlierMetrics m = new OutlierMetrics();
            m.add(values.get(variable), feeds.get(ModelGraph.PADDING_MASK));
            maxInfNorm = Math.max(maxInfNorm, m.meanInfNorm());
            kurtosisSum += m.meanKurtosis();
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("step", step);
        row.put("max_inf_norm", maxInfNorm);
        row.put("avg_kurtosis", fetch.isEmpty() ? Double.NaN : kurtosisSum / fetch.size());
        run.report().row(Sections.OUTLIERS_DURING_TRAINING, row);
        Map<String, Object> event = new LinkedHashMap<>(row);
        event.put("stage", "train");
        run.events().emit("metrics", event);
    }
}
