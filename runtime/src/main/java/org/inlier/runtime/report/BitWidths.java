package org.inlier.runtime.report;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Orders precision labels ({@code FP32}, {@code W8A8}, {@code W4A4 (attention-only)}, ...) the
 * way the papers' tables do: floating point first, then from the widest quantization grid to the
 * narrowest.
 */
public final class BitWidths {

    private static final Pattern LABEL = Pattern.compile("W(\\d+)A(\\d+).*");

    /** Floating point first, then by total bits descending, then by weight bits descending; unknown labels last. */
    public static final Comparator<String> WIDEST_FIRST = Comparator.comparingInt(BitWidths::rank)
            .thenComparing(Comparator.comparingInt(BitWidths::totalBits).reversed())
            .thenComparing(Comparator.comparingInt(BitWidths::weightBits).reversed());

    private BitWidths() {
    }

    /** Whether a label names floating point ({@code FP32}, {@code FP16}). */
    public static boolean isFloat(String label) {
        return label.startsWith("FP");
    }

    private static int rank(String label) {
        return isFloat(label) ? 0 : LABEL.matcher(label).matches() ? 1 : 2;
    }

    private static int totalBits(String label) {
        Matcher m = LABEL.matcher(label);
        return m.matches() ? Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)) : 0;
    }

    private static int weightBits(String label) {
        Matcher m = LABEL.matcher(label);
        return m.matches() ? Integer.parseInt(m.group(1)) : 0;
    }
}
