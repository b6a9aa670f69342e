package org.inlier.runtime.metrics;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Cosine similarity between the mean-pooled outputs of two models, per sequence and averaged:
 * how a sentence encoder's user sees quantization (embeddings are mean-pooled token states).
 * Padding tokens are left out of the mean when a mask is given.
 */
public final class PooledCosine {

    private double sum;
    private long sequences;

    /**
     * Adds a batch.
     *
     * @param reference {@code (B, T, D)} outputs of the floating-point model
     * @param other     {@code (B, T, D)} outputs of the quantized model
     * @param mask      {@code (B, T)} 1 for tokens and 0 for padding, or {@code null} if there is none
     */
    public void add(INDArray reference, INDArray other, INDArray mask) {
        double[][] a = MeanPooling.pool(reference, mask);
        double[][] b = MeanPooling.pool(other, mask);
        for (int i = 0; i < a.length; i++) {
            double dot = 0;
            double na = 0;
            double nb = 0;
            for (int j = 0; j < a[i].length; j++) {
                dot += a[i][j] * b[i][j];
                na += a[i][j] * a[i][j];
                nb += b[i][j] * b[i][j];
            }
            sum += na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
            sequences++;
        }
    }

    /** The mean cosine similarity over all sequences added. */
    public double mean() {
        return sequences == 0 ? Double.NaN : sum / sequences;
    }
}
