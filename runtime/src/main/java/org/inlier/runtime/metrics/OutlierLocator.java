package org.inlier.runtime.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Finds which hidden dimensions carry a site's outliers and which token, at which position,
 * produced each dimension's largest magnitude.
 */
public final class OutlierLocator {

    /** Where one hidden dimension peaked. */
    public record Peak(int dimension, double maxAbs, int token, int position) {
    }

    private double[] maxAbs;
    private int[] token;
    private int[] position;

    /**
     * Adds a batch of unpadded windows.
     *
     * @param x      activations {@code (B, T, D)}
     * @param tokens the input token of every position, {@code [B][≥ T]}
     */
    public void add(INDArray x, int[][] tokens) {
        add(x, tokens, null);
    }

    /**
     * Adds a batch; padding positions are not candidates (a [PAD] token is no one's outlier).
     *
     * @param x      activations {@code (B, T, D)}
     * @param tokens the input token of every position, {@code [B][≥ T]}
     * @param mask   {@code (B, T)}, 1 for a real token and 0 for padding, or {@code null} when nothing is padded
     */
    public void add(INDArray x, int[][] tokens, INDArray mask) {
        long t = x.size(1);
        int d = (int) x.size(2);
        // One flat copy: toDoubleMatrix() makes a native view per row, which took minutes on a 2,500-row batch.
        double[] values = x.castTo(DataType.DOUBLE).dup('c').data().asDouble(); // (B·T·D), row-major
        int rowCount = values.length / d;
        if (maxAbs == null) {
            maxAbs = new double[d];
            token = new int[d];
            position = new int[d];
        }
        float[] real = mask == null ? null : mask.castTo(DataType.FLOAT).dup('c').data().asFloat(); // (B·T), row-major
        for (int r = 0; r < rowCount; r++) {
            if (real != null && real[r] == 0) {
                continue;
            }
            for (int j = 0; j < d; j++) {
                double a = Math.abs(values[r * d + j]);
                if (a > maxAbs[j]) {
                    maxAbs[j] = a;
                    token[j] = tokens[(int) (r / t)][(int) (r % t)];
                    position[j] = (int) (r % t);
                }
            }
        }
    }

    /** The {@code k} dimensions with the largest magnitudes, largest first. */
    public List<Peak> top(int k) {
        List<Peak> peaks = new ArrayList<>();
        if (maxAbs == null) {
            return peaks;
        }
        for (int j = 0; j < maxAbs.length; j++) {
            peaks.add(new Peak(j, maxAbs[j], token[j], position[j]));
        }
        peaks.sort(Comparator.comparingDouble(Peak::maxAbs).reversed());
        return peaks.subList(0, Math.min(k, peaks.size()));
    }

    /** The median over dimensions of their largest magnitude: what a "normal" dimension reaches. */
    public double medianMaxAbs() {
        if (maxAbs == null) {
            return Double.NaN;
        }
        double[] sorted = maxAbs.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
