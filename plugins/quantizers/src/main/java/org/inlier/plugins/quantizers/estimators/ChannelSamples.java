package org.inlier.plugins.quantizers.estimators;

import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bounded memory for estimators that need the observed values themselves (percentile, MSE): a
 * {@link ValueReservoir} per row of {@link ChannelRows}, the {@value #MAX_SAMPLES} budget split
 * evenly between the channels. Values are kept as FLOAT (4 bytes each), so the default budget
 * holds 4 MiB per observer; below the budget the sample is every value, exactly.
 */
final class ChannelSamples {

    /** Option: how many values one observer keeps at most, over all its channels. */
    static final String MAX_SAMPLES = "max-samples";

    /** The declaration of {@link #MAX_SAMPLES}, shared by the estimators that sample. */
    static final OptionSpec MAX_SAMPLES_OPTION = OptionSpec.integer(MAX_SAMPLES, 1 << 20, 1024, 1 << 26,
            "values kept per observer (split between channels); beyond it a uniform random sample with a fixed seed");

    private static final long SEED = 20231201L;

    private final int maxSamples;
    private ValueReservoir[] reservoirs;

    /** A sampler with the budget from validated options. */
    ChannelSamples(Options options) {
        this.maxSamples = options.getInt(MAX_SAMPLES);
    }

    /** Adds a batch laid out by {@link ChannelRows}. */
    void add(INDArray rows) {
        float[][] values = rows.toFloatMatrix();
        if (reservoirs == null) {
            reservoirs = new ValueReservoir[values.length];
            int capacity = Math.max(1, (maxSamples + values.length - 1) / values.length);
            for (int c = 0; c < values.length; c++) {
                reservoirs[c] = new ValueReservoir(capacity, SEED + c);
            }
        }
        ChannelRows.requireSameCount(reservoirs.length, values.length);
        for (int c = 0; c < values.length; c++) {
            reservoirs[c].addAll(values[c]);
        }
    }

    /** The kept values, one array per row; rows hold equally many since every channel sees as many values. */
    float[][] values() {
        if (reservoirs == null) {
            throw new IllegalStateException("nothing was observed");
        }
        float[][] values = new float[reservoirs.length][];
        for (int c = 0; c < values.length; c++) {
            values[c] = reservoirs[c].values();
        }
        return values;
    }
}
