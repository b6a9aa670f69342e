package org.inlier.runtime.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Signal-to-quantization-noise ratio of a site, accumulated over batches:
 * {@code 10 · log10(Σ x² / Σ (x − x̂)²)} dB, with x the floating-point model's value and x̂ the
 * quantized model's value at the same site (so the error includes everything upstream).
 */
public final class Sqnr {

    private double signal;
    private double noise;

    /** Adds a batch of float and quantized values of the same shape. */
    public void add(INDArray reference, INDArray quantized) {
        signal += reference.norm2Number().doubleValue() * reference.norm2Number().doubleValue();
        double n = reference.sub(quantized).norm2Number().doubleValue();
        noise += n * n;
    }

    /** The ratio in dB; infinite when there is no error. */
    public double decibels() {
        return noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
    }
}
