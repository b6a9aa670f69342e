package org.inlier.plugins.backends.int8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FixedPointMultiplierTest {

    @Test
    void oneHalfIsTwoToThe30ShiftedBy31() {
        assertThat(FixedPointMultiplier.of(0.5)).isEqualTo(new FixedPointMultiplier(1 << 30, 31));
        assertThat(FixedPointMultiplier.of(1.0)).isEqualTo(new FixedPointMultiplier(1 << 30, 30));
    }

    @Test
    void tiesRoundHalfToEvenLikeRint() {
        FixedPointMultiplier half = FixedPointMultiplier.of(0.5);
        // value · 0.5: 0.5 → 0, 1.5 → 2, 2.5 → 2, 3.5 → 4, and the same mirrored below zero.
        assertThat(half.apply(1)).isZero();
        assertThat(half.apply(3)).isEqualTo(2);
        assertThat(half.apply(5)).isEqualTo(2);
        assertThat(half.apply(7)).isEqualTo(4);
        assertThat(half.apply(-1)).isZero();
        assertThat(half.apply(-3)).isEqualTo(-2);
        assertThat(half.apply(-5)).isEqualTo(-2);
        assertThat(half.apply(-7)).isEqualTo(-4);
    }

    @Test
    void aTenthIsRepresentedTo31BitsAndRoundsToNearest() {
        FixedPointMultiplier tenth = FixedPointMultiplier.of(0.1);
        // 0.1 = 1.6 · 2^−4, so multiplier = round(0.1 · 2^34) = round(1717986918.4) and shift = 34.
        assertThat(tenth).isEqualTo(new FixedPointMultiplier(1717986918, 34));
        assertThat(tenth.value()).isCloseTo(0.1, within(0.1 * 0x1p-31));
        // 1000 · 1717986918 / 2^34 = 99.99999997 → 100; 26 → 2.5999999 → 3; −1000 → −100.
        assertThat(tenth.apply(1000)).isEqualTo(100);
        assertThat(tenth.apply(26)).isEqualTo(3);
        assertThat(tenth.apply(-1000)).isEqualTo(-100);
        assertThat(tenth.apply(Integer.MAX_VALUE)).isEqualTo(214748365); // 214748364.7 → no overflow in the product
    }

    @Test
    void aMantissaThatRoundsUpToTwoMovesToTheNextExponent() {
        FixedPointMultiplier almostOne = FixedPointMultiplier.of(1 - 0x1p-40);
        assertThat(almostOne).isEqualTo(new FixedPointMultiplier(1 << 30, 30));
    }

    @Test
    void rejectsMultipliersItCannotRepresent() {
        assertThatThrownBy(() -> FixedPointMultiplier.of(0)).hasMessage("a requantisation multiplier must be positive and finite, got 0.0");
        assertThatThrownBy(() -> FixedPointMultiplier.of(Double.NaN)).hasMessageContaining("got NaN");
        assertThatThrownBy(() -> FixedPointMultiplier.of(0x1p30)).hasMessage("requantisation multiplier 1.073741824E9 is outside [2^-32, 2^29]");
        assertThatThrownBy(() -> FixedPointMultiplier.of(0x1p-33)).hasMessageContaining("is outside [2^-32, 2^29]");
        assertThatThrownBy(() -> new FixedPointMultiplier(5, 3)).hasMessage("multiplier must be in [2^30, 2^31), got 5");
    }
}
