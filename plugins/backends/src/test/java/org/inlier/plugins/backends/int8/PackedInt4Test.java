package org.inlier.plugins.backends.int8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PackedInt4Test {

    @Test
    void packsTheEvenElementIntoTheLowNibbleInTwosComplement() {
        byte[] packed = PackedInt4.pack(new byte[] {1, -1, 7, -8, 0});

        // 0xF1 (−1 high, 1 low), 0x87 (−8 high, 7 low), 0x00 (0 low, padding high).
        assertThat(packed).containsExactly((byte) 0xF1, (byte) 0x87, (byte) 0x00);
    }

    @Test
    void unpackingRestoresEveryFourBitLevel() {
        byte[] levels = new byte[16];
        for (int i = 0; i < 16; i++) {
            levels[i] = (byte) (i - 8);
        }

        assertThat(PackedInt4.unpack(PackedInt4.pack(levels), 16)).containsExactly(levels);
        assertThat(PackedInt4.unpack(new byte[] {(byte) 0xF1, (byte) 0x87, 0}, 5)).containsExactly(1, -1, 7, -8, 0);
    }

    @Test
    void rejectsLevelsOutsideFourBitsAndMismatchedCounts() {
        assertThatThrownBy(() -> PackedInt4.pack(new byte[] {0, 8})).hasMessage("level 8 at index 1 does not fit 4 bits [-8, 7]");
        assertThatThrownBy(() -> PackedInt4.pack(new byte[] {-9})).hasMessage("level -9 at index 0 does not fit 4 bits [-8, 7]");
        assertThatThrownBy(() -> PackedInt4.unpack(new byte[2], 5)).hasMessage("2 packed bytes cannot hold exactly 5 levels");
    }
}
