package org.inlier.runtime.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sentence embeddings from token states, as sentence-transformers' mean pooling makes them: the
 * mean of the last hidden state over the sentence's tokens, padding excluded (the pooling of
 * all-MiniLM-L6-v2 and most sentence encoders), optionally scaled to unit L2 norm.
 */
public final class MeanPooling {

    private MeanPooling() {
    }

    /**
     * The mean of each sequence's token states.
     *
     * @param hidden {@code (B, T, D)} token states
     * @param mask   {@code (B, T)} 1 for tokens and 0 for padding, or {@code null} to average every position
     * @return {@code (B, D)} in double precision
     */
    public static double[][] pool(INDArray hidden, INDArray mask) {
        INDArray values = hidden.castTo(DataType.DOUBLE);
        if (mask == null) {
            return values.mean(1).toDoubleMatrix();
        }
        INDArray m = mask.castTo(DataType.DOUBLE);
        INDArray summed = values.mul(m.reshape(m.size(0), m.size(1), 1)).sum(1); // (B, D)
        // An all-padding row gives zeros rather than 0/0 (sentence-transformers clamps the count likewise).
        return summed.divColumnVector(m.sum(1).reshape(-1, 1).add(1e-12)).toDoubleMatrix();
    }

    /**
     * Scales each row to unit L2 norm in place, as sentence-transformers' {@code Normalize} module
     * does ({@code x / max(‖x‖, 1e-12)}); a zero row stays zero.
     *
     * @return the same rows
     */
    public static double[][] normalize(double[][] rows) {
        for (double[] row : rows) {
            double norm = 0;
            for (double v : row) {
                norm += v * v;
            }
            double scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
            for (int j = 0; j < row.length; j++) {
                row[j] *= scale;
            }
        }
        return rows;
    }
}
