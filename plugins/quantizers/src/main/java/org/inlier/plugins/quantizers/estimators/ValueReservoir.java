package org.inlier.plugins.quantizers.estimators;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A uniform random sample of bounded size from a stream of values (reservoir sampling,
 * Vitter's algorithm R): every value seen so far is kept with equal probability. Exact, holding
 * every value, until the capacity is reached. The seed is fixed so that calibration is
 * reproducible.
 */
final class ValueReservoir {

    private final float[] kept;
    private final SplittableRandom random;
    private int size;
    private long seen;

    ValueReservoir(int capacity, long seed) {
        this.kept = new float[capacity];
        this.random = new SplittableRandom(seed);
    }

    /** Offers every value, in order. */
    void addAll(float[] values) {
        for (float v : values) {
            if (size < kept.length) {
                kept[size++] = v;
            } else {
                long slot = random.nextLong(seen + 1);
                if (slot < kept.length) {
                    kept[(int) slot] = v;
                }
            }
            seen++;
        }
    }

    /** A copy of the values kept. */
    float[] values() {
        return Arrays.copyOf(kept, size);
    }
}
