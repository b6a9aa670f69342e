package org.inlier.plugins.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ClippingGridTest {

    @Test
    void startsAtOneAndStepsDown() {
        ClippingGrid grid = ClippingGrid.of(0.01, 20, 8);

        assertThat(grid.count()).isEqualTo(20);
        assertThat(grid.alpha(0)).isEqualTo(1.0);
        assertThat(grid.alpha(19)).isCloseTo(0.81, within(1e-12));
    }

    @Test
    void lowerBitWidthsGetCandidatesTimesEightOverBits() {
        assertThat(ClippingGrid.of(0.01, 20, 16).count()).isEqualTo(20);
        assertThat(ClippingGrid.of(0.01, 20, 6).count()).isEqualTo(27);
        assertThat(ClippingGrid.of(0.01, 20, 4).count()).isEqualTo(40);
    }

    @Test
    void neverGoesBelowOneHalf() {
        ClippingGrid twoBits = ClippingGrid.of(0.01, 20, 2);
        ClippingGrid coarse = ClippingGrid.of(0.05, 50, 8);

        assertThat(twoBits.count()).isEqualTo(51);
        assertThat(twoBits.alpha(50)).isCloseTo(0.5, within(1e-12));
        assertThat(coarse.count()).isEqualTo(11);
        assertThat(coarse.alpha(10)).isCloseTo(0.5, within(1e-12));
    }
}
