package org.inlier.runtime.metrics;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per sequence and token, the largest magnitude over the hidden dimensions: which tokens (which
 * patches of an image) a site's outliers sit on, whatever dimension carries them.
 */
public final class TokenMaxAbs {

    private TokenMaxAbs() {
    }

    /**
     * @param x activations {@code (B, T, D)}
     * @return {@code [B][T]}: {@code max_d |x[b, t, d]|}
     */
    public static double[][] of(INDArray x) {
        if (x.rank() != 3) {
            throw new IllegalArgumentException("expected activations (B, T, D), got shape " + java.util.Arrays.toString(x.shape()));
        }
        int b = (int) x.size(0);
        int t = (int) x.size(1);
        int d = (int) x.size(2);
        double[] values = x.castTo(DataType.DOUBLE).dup('c').data().asDouble(); // (B·T·D), row-major
        double[][] out = new double[b][t];
        for (int i = 0; i < b; i++) {
            for (int token = 0; token < t; token++) {
                int base = (i * t + token) * d;
                double max = 0;
                for (int j = 0; j < d; j++) {
                    max = Math.max(max, Math.abs(values[base + j]));
                }
                out[i][token] = max;
            }
        }
        return out;
    }
}
