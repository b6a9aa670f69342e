package org.inlier.runtime.train;

import java.util.Arrays;
import java.util.Random;
import org.inlier.api.data.Corpus;
import org.inlier.api.data.Split;

/**
 * Cuts windows out of a split's token stream: anywhere in a free-running stream, or exactly one
 * block at a time in a corpus made of fixed blocks (one padded sentence each).
 */
public final class TokenWindows {

    private final int[] tokens;
    private final int length;
    private final boolean aligned;

    private TokenWindows(int[] tokens, int length, boolean aligned) {
        if (tokens.length < length) {
            throw new IllegalArgumentException("the data has " + tokens.length + " tokens, fewer than one window of " + length);
        }
        this.tokens = tokens;
        this.length = length;
        this.aligned = aligned;
    }

    /**
     * The windows of one split.
     *
     * @param corpus       the data
     * @param split        which split
     * @param streamLength tokens per window when the corpus is a free-running stream (the model's
     *                     sequence length plus one for causal targets); block corpora use their block length
     */
    public static TokenWindows of(Corpus corpus, Split split, int streamLength) {
        int block = corpus.blockLength();
        return new TokenWindows(corpus.tokens(split), block > 0 ? block : streamLength, block > 0);
    }

    /** {@code batch} windows at random offsets (random whole blocks in a block corpus). */
    public int[][] random(int batch, Random random) {
        int[][] windows = new int[batch][];
        for (int b = 0; b < batch; b++) {
            int start = aligned ? random.nextInt(count()) * length : random.nextInt(tokens.length - length + 1);
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
