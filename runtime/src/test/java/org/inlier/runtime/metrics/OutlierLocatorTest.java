package org.inlier.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class OutlierLocatorTest {

    @Test
    void namesTheDimensionTokenAndPositionOfTheLargestMagnitude() {
        OutlierLocator locator = new OutlierLocator();
        // B = 1, T = 3, D = 2: dimension 1 peaks at −50 on position 2, whose token is 7.
        locator.add(Nd4j.createFromArray(new float[][][] {{{1, 2}, {3, -1}, {0.5f, -50}}}), new int[][] {{5, 6, 7, 9}});
        OutlierLocator.Peak top = locator.top(1).get(0);
        assertThat(top).isEqualTo(new OutlierLocator.Peak(1, 50.0, 7, 2));
        assertThat(locator.top(5)).hasSize(2);
    }

    @Test
    void paddingPositionsAreNotCandidates() {
        OutlierLocator locator = new OutlierLocator();
        // Position 2 is padding (token 0): its −50 is ignored, so dimension 1 peaks at 2 on position 0.
        locator.add(Nd4j.createFromArray(new float[][][] {{{1, 2}, {3, -1}, {0.5f, -50}}}), new int[][] {{5, 6, 0}},
                Nd4j.createFromArray(new float[][] {{1, 1, 0}}));
        assertThat(locator.top(1).get(0)).isEqualTo(new OutlierLocator.Peak(0, 3.0, 6, 1));
        assertThat(locator.top(2).get(1)).isEqualTo(new OutlierLocator.Peak(1, 2.0, 5, 0));
    }
}
