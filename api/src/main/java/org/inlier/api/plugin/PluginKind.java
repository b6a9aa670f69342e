package org.inlier.api.plugin;

import org.inlier.api.attention.AttentionVariant;
import org.inlier.api.backend.HardwareBackend;
import org.inlier.api.data.Dataset;
import org.inlier.api.model.ModelFamily;
import org.inlier.api.quant.Quantizer;
import org.inlier.api.quant.RangeEstimator;
import org.inlier.api.suppression.OutlierSuppression;

/** The extension points of Inlier, each with the service interface its plugins implement. */
public enum PluginKind {
    ATTENTION_VARIANT("attention-variant", AttentionVariant.class),
    OUTLIER_SUPPRESSION("outlier-suppression", OutlierSuppression.class),
    QUANTIZER("quantizer", Quantizer.class),
    RANGE_ESTIMATOR("range-estimator", RangeEstimator.class),
    HARDWARE_BACKEND("hardware-backend", HardwareBackend.class),
    MODEL_FAMILY("model-family", ModelFamily.class),
    DATASET("dataset", Dataset.class);

    private final String label;
    private final Class<? extends Plugin> serviceType;

    PluginKind(String label, Class<? extends Plugin> serviceType) {
        this.label = label;
        this.serviceType = serviceType;
    }

    /** The name users see, e.g. {@code attention-variant}. */
    public String label() {
        return label;
    }

    /** The interface listed in {@code META-INF/services} for plugins of this kind. */
    public Class<? extends Plugin> serviceType() {
        return serviceType;
    }
}
