package org.inlier.plugins.backends.int8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.junit.jupiter.api.Test;

class ActivationProductTest {

    /** Asymmetric 8-bit, zero-point 3: levels 0..255 stand for (q − 3) · 0.5. */
    private static final ActivationGrid GRID = ActivationGrid.of("x",
            new QuantParams(QuantScheme.asymmetricPerTensor(8), new double[] {0.5}, new long[] {3}));

    @Test
    void accumulatorsAreTheProductOfTheLevelsLessTheirZeroPoints() {
        int[] a = {5, 3, 0, 255};    // (2, 2): minus 3 → (2, 0; −3, 252)
        int[] b = {4, 13, 3, 1};     // (2, 2): minus 3 → (1, 10; 0, −2)

        int[] acc = new ActivationProduct(GRID, GRID, 1, new Int8Gemm(1)).accumulators(a, b, 2, 2, 2);

        // (2·1 + 0·0, 2·10 + 0·(−2); −3·1 + 252·0, −3·10 + 252·(−2)) = (2, 20; −3, −534)
        assertThat(acc).containsExactly(2, 20, -3, -534);
    }

    @Test
    void aLevelOffItsGridIsRejected() {
        ActivationProduct product = new ActivationProduct(GRID, GRID, 1, new Int8Gemm(1));

        assertThatThrownBy(() -> product.accumulators(new int[] {5, 256}, new int[] {1, 1}, 1, 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("an operand has levels off its grid [0, 255]");
    }
}
