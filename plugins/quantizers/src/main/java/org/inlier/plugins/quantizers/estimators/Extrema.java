package org.inlier.plugins.quantizers.estimators;

import org.inlier.api.quant.Range;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The exact minimum and maximum of every row seen so far. */
final class Extrema {

    private double[] min;
    private double[] max;

    /** Includes a batch laid out by {@link ChannelRows}. */
    void include(INDArray rows) {
        double[] batchMin = rows.min(1).toDoubleVector();
        double[] batchMax = rows.max(1).toDoubleVector();
        if (min == null) {
            min = batchMin;
            max = batchMax;
            return;
        }
        ChannelRows.requireSameCount(min.length, batchMin.length);
        for (int c = 0; c < min.length; c++) {
            min[c] = Math.min(min[c], batchMin[c]);
            max[c] = Math.max(max[c], batchMax[c]);
        }
    }

    /** The range of everything included. */
    Range range() {
        if (min == null) {
            throw new IllegalStateException("nothing was observed");
        }
        return new Range(min, max);
    }
}
