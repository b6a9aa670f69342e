package org.inlier.plugins.quantizers.estimators;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ValueReservoirTest {

    private static float[] range(int from, int to) {
        float[] values = new float[to - from];
        for (int i = 0; i < values.length; i++) {
            values[i] = from + i;
        }
        return values;
    }

    @Test
    void keepsEveryValueUntilFull() {
        ValueReservoir r = new ValueReservoir(10, 1);

        r.addAll(range(0, 4));
        r.addAll(range(4, 7));

        assertThat(r.values()).containsExactly(0, 1, 2, 3, 4, 5, 6);
    }

    @Test
    void staysAtCapacityAndIsReproducibleForTheSameSeed() {
        ValueReservoir a = new ValueReservoir(100, 42);
        ValueReservoir b = new ValueReservoir(100, 42);

        for (int batch = 0; batch < 100; batch++) {
            a.addAll(range(batch * 100, (batch + 1) * 100));
            b.addAll(range(batch * 100, (batch + 1) * 100));
        }

        assertThat(a.values()).hasSize(100).containsExactly(b.values());
    }

    @Test
    void samplesUniformlyAcrossTheStream() {
        ValueReservoir r = new ValueReservoir(1000, 7);

        r.addAll(range(0, 100_000));

        // Each half of the stream should supply about half the sample (binomial sd ~ 16).
        long firstHalf = 0;
        for (float v : r.values()) {
            if (v < 50_000) {
                firstHalf++;
            }
        }
        assertThat(firstHalf).isBetween(420L, 580L);
    }
}
