package org.inlier.api.site;

import java.util.Objects;

/**
 * A named tensor of a model where quantizers, calibration observers and outlier metrics attach,
 * e.g. {@code layer.3.attn.probs} or {@code layer.3.ffn.fc1.weight}.
 *
 * <p>Model families declare their sites while building the graph; everything else (placement
 * profiles, calibration, outlier reports) finds tensors by these names, never by graph internals.
 *
 * @param name        unique, dot-separated, stable across runs
 * @param kind        what the tensor holds
 * @param layer       the transformer layer index, or {@code -1} outside the layers
 * @param channelAxis for weights, the axis of output channels (per-channel quantization);
 *                    for activations, the hidden-feature axis (the last)
 */
public record QuantizationSite(String name, SiteKind kind, int layer, int channelAxis) {

    public QuantizationSite {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }

    /** An activation site whose features lie on the last axis. */
    public static QuantizationSite activation(String name, SiteKind kind, int layer) {
        return new QuantizationSite(name, kind, layer, -1);
    }

    /** A weight site; for a {@code [in, out]} matrix the output channels are on axis 1. */
    public static QuantizationSite weight(String name, int layer, int channelAxis) {
        return new QuantizationSite(name, SiteKind.WEIGHT, layer, channelAxis);
    }

    /** Whether this site holds a weight rather than an activation. */
    public boolean isWeight() {
        return kind == SiteKind.WEIGHT;
    }
}
