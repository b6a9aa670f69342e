package org.inlier.runtime.report.plots;

import java.util.List;
import org.inlier.runtime.report.Sections;

/** Which plots a report draws, in the order it shows them. */
public final class ReportPlots {

    private static final ReportPlot TRAINING_CURVE = new StepCurvePlot("training-curve.png", "Training curve", Sections.TRAINING_CURVE,
            new StepCurvePlot.Metric("loss", "loss"), new StepCurvePlot.Metric("lr", "learning rate"));
    private static final ReportPlot OUTLIERS_DURING_TRAINING = new StepCurvePlot("outliers-during-training.png",
            "Outliers during training", Sections.OUTLIERS_DURING_TRAINING,
            new StepCurvePlot.Metric("max_inf_norm", "max inf-norm"), new StepCurvePlot.Metric("avg_kurtosis", "avg kurtosis"));
    private static final ReportPlot LAYER_INF_NORM = new LayerMetricPlot("layer-inf-norm.png", "Max inf-norm per layer", "inf_norm",
            LayerMetricPlot.Aggregate.MAX, "max inf-norm");
    private static final ReportPlot LAYER_KURTOSIS = new LayerMetricPlot("layer-kurtosis.png", "Kurtosis per layer (mean over sites)",
            "kurtosis", LayerMetricPlot.Aggregate.MEAN, "kurtosis");
    private static final ReportPlot QUALITY = new QualityPlot();

    /** Every plot of a single run's report. */
    public static final List<ReportPlot> RUN = List.of(TRAINING_CURVE, OUTLIERS_DURING_TRAINING, QUALITY, LAYER_INF_NORM, LAYER_KURTOSIS,
            new SqnrPlot(), new OutlierMapPlot(), new PatchGridPlot(), new AttentionSinksPlot(), new ActivationHistogramPlot());

    /** The plots that compare configurations side by side, for a sweep's report. */
    public static final List<ReportPlot> COMPARISON = List.of(QUALITY, LAYER_INF_NORM, LAYER_KURTOSIS, TRAINING_CURVE, OUTLIERS_DURING_TRAINING);

    private ReportPlots() {
    }
}
