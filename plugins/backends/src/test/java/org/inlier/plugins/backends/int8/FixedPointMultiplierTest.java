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
        assertThat(half.apply(1, 0)).isZero();
        assertThat(half.apply(3, 0)).isEqualTo(2);
        assertThat(half.apply(5, 0)).isEqualTo(2);
        assertThat(half.apply(7, 0)).isEqualTo(4);
        assertThat(half.apply(-1, 0)).isZero();
        assertThat(half.apply(-3, 0)).isEqualTo(-2);
        assertThat(half.apply(-5, 0)).isEqualTo(-2);
        assertThat(half.apply(-7, 0)).isEqualTo(-4);
    }

    @Test
    void aTenthIsRepresentedTo31BitsAndRoundsToNearest() {
        FixedPointMultiplier tenth = FixedPointMultiplier.of(0.1);
        // 0.1 = 1.6 · 2^−4, so multiplier = round(0.1 · 2^34) = round(1717986918.4) and shift = 34.
        assertThat(tenth).isEqualTo(new FixedPointMultiplier(1717986918, 34));
        assertThat(tenth.value()).isCloseTo(0.1, within(0.1 * 0x1p-31));
        // 1000 · 1717986918 / 2^34 = 99.99999997 → 100; 26 → 2.5999999 → 3; −1000 → −100.
        assertThat(tenth.apply(1000, 0)).isEqualTo(100);
        assertThat(tenth.apply(26, 0)).isEqualTo(3);
        assertThat(tenth.apply(-1000, 0)).isEqualTo(-100);
        assertThat(tenth.apply(Integer.MAX_VALUE, 0)).isEqualTo(214748365); // 214748364.7 → no overflow in the product
    }

    @Test
    void aMultiplyAddRoundsOnceAndKeepsAFractionalOffset() {
        FixedPointMultiplier half = FixedPointMultiplier.of(0.5);
        // 3 · 0.5 + 0.3 = 1.8 → 2; 3 · 0.5 − 0.3 = 1.2 → 1; 5 · 0.5 + 0.5 = 3 exactly; 1 · 0.5 + 1 = 1.5 → 2 (to even).
        assertThat(half.apply(3, half.addend(0.3))).isEqualTo(2);
        assertThat(half.apply(3, half.addend(-0.3))).isEqualTo(1);
        assertThat(half.apply(5, half.addend(0.5))).isEqualTo(3);
        assertThat(half.apply(1, half.addend(1.0))).isEqualTo(2);
        // An offset of 0.3 would be lost on a grid of whole accumulator steps (round(0.3 / 0.5) = 1 step = 0.5):
        // 2 · 0.5 + 0.3 = 1.3 → 1, not 1.5 → 2.
        assertThat(half.apply(2, half.addend(0.3))).isEqualTo(1);
        FixedPointMultiplier tenth = FixedPointMultiplier.of(0.1);
        // 1000 · 0.1 − 100.4 = −0.4 → 0; 26 · 0.1 + 0.95 = 3.55 → 4.
        assertThat(tenth.apply(1000, tenth.addend(-100.4))).isZero();
        assertThat(tenth.apply(26, tenth.addend(0.95))).isEqualTo(4);
        assertThatThrownBy(() -> tenth.addend(0x1p30)).hasMessageContaining("too large for a fixed-point multiply-add");
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
