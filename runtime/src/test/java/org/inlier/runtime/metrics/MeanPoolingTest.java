package org.inlier.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class MeanPoolingTest {

    @Test
    void paddingIsLeftOutOfTheMean() {
        // One sentence of two tokens and one padding position holding a large value.
        float[][][] hidden = {{{1f, 2f}, {3f, 6f}, {100f, -100f}}};
        double[][] pooled = MeanPooling.pool(Nd4j.create(hidden), Nd4j.createFromArray(new float[][] {{1f, 1f, 0f}}));
        assertThat(pooled[0][0]).isCloseTo(2.0, within(1e-9));
        assertThat(pooled[0][1]).isCloseTo(4.0, within(1e-9));
    }

    @Test
    void withoutAMaskEveryPositionCounts() {
        double[][] pooled = MeanPooling.pool(Nd4j.create(new float[][][] {{{1f}, {2f}, {6f}}}), null);
        assertThat(pooled[0][0]).isCloseTo(3.0, within(1e-9));
    }

    @Test
    void normalizedRowsHaveUnitLengthAndZeroRowsStayZero() {
        double[][] rows = MeanPooling.normalize(new double[][] {{3, 4}, {0, 0}});
        assertThat(rows[0]).containsExactly(new double[] {0.6, 0.8}, within(1e-12));
        assertThat(rows[1]).containsExactly(0, 0);
    }
}
