package org.inlier.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class TokenMaxAbsTest {

    @Test
    void eachTokensLargestMagnitudeOverTheHiddenDimensions() {
        // (B=2, T=2, D=3)
        float[] x = {
            1, -4, 2, /* */ 0.5f, 0.25f, -0.75f,
            -9, 3, 8, /* */ 0, 0, 0};
        double[][] max = TokenMaxAbs.of(Nd4j.create(x, new long[] {2, 2, 3}, 'c'));

        assertThat(max[0]).containsExactly(4, 0.75);
        assertThat(max[1]).containsExactly(9, 0);
    }

    @Test
    void aTensorWithoutTokensIsRejected() {
        assertThatThrownBy(() -> TokenMaxAbs.of(Nd4j.zeros(2, 3))).hasMessageContaining("(B, T, D)").hasMessageContaining("[2, 3]");
    }
}
