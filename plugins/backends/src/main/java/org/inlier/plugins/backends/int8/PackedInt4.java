package org.inlier.plugins.backends.int8;

/**
 * Signed 4-bit levels ({@code [−8, 7]}) packed two per byte, for W4 weights at half the memory of
 * int8: element {@code 2i} in the low nibble of byte {@code i}, element {@code 2i + 1} in the high
 * nibble, both in two's complement; an odd count leaves the last high nibble 0.
 */
public final class PackedInt4 {

    private PackedInt4() {
    }

    /**
     * Packs levels two per byte.
     *
     * @throws IllegalArgumentException naming the first level outside {@code [−8, 7]}
     */
    public static byte[] pack(byte[] levels) {
        byte[] packed = new byte[(levels.length + 1) / 2];
        for (int i = 0; i < levels.length; i++) {
            int level = levels[i];
            if (level < -8 || level > 7) {
                throw new IllegalArgumentException("level " + level + " at index " + i + " does not fit 4 bits [-8, 7]");
            }
            packed[i / 2] |= (byte) ((level & 0xF) << (4 * (i % 2)));
        }
        return packed;
    }

    /** The {@code count} levels of {@code packed}, sign-extended to bytes. */
    public static byte[] unpack(byte[] packed, int count) {
        if (count < 0 || (count + 1) / 2 != packed.length) {
            throw new IllegalArgumentException(packed.length + " packed bytes cannot hold exactly " + count + " levels");
        }
        byte[] levels = new byte[count];
        for (int i = 0; i < count; i++) {
            // Shift the nibble to the top of an int, then arithmetic-shift back: sign extension.
            levels[i] = (byte) ((packed[i / 2] << (28 - 4 * (i % 2))) >> 28);
        }
        return levels;
    }
}
