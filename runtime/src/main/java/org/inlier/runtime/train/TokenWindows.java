package org.inlier.runtime.train;

import java.util.Arrays;
import java.util.Random;

/** Cuts windows of {@code length} tokens out of a token stream. */
public final class TokenWindows {

    private final int[] tokens;
    private final int length;

    /**
     * @param tokens the stream (one split of a corpus)
     * @param length tokens per window (the model's sequence length plus one for causal targets)
     * @throws IllegalArgumentException if the stream is shorter than one window
     */
    public TokenWindows(int[] tokens, int length) {
        if (tokens.length < length) {
            throw new IllegalArgumentException("the data has " + tokens.length + " tokens, fewer than one window of " + length);
        }
        this.tokens = tokens;
        this.length = length;
    }

    /** {@code batch} windows at random offsets. */
    public int[][] random(int batch, Random random) {
        int[][] windows = new int[batch][];
        for (int b = 0; b < batch; b++) {
            int start = random.nextInt(tokens.length - length + 1);
            windows[b] = Arrays.copyOfRange(tokens, start, start + length);
        }
        return windows;
    }

    /** How many non-overlapping windows the stream holds. */
    public int count() {
        return tokens.length / length;
    }

    /** Non-overlapping windows {@code first .. first + batch − 1} (for deterministic evaluation). */
    public int[][] sequential(int first, int batch) {
        int[][] windows = new int[batch][];
        for (int b = 0; b < batch; b++) {
            int start = (first + b) * length;
            windows[b] = Arrays.copyOfRange(tokens, start, start + length);
        }
        return windows;
    }
}
