package org.inlier.plugins.models;

import java.util.Random;

/**
 * BERT's masked-token corruption (Devlin et al. 2019, section 3.1, and the reference
 * {@code create_pretraining_data.py}): in every sequence {@code max(1, round(0.15·T))} positions
 * are chosen uniformly without replacement and become prediction targets; for training 80 % of
 * them are replaced by [MASK], 10 % by a random token and 10 % are left unchanged.
 *
 * <p>A fixed count per sequence (the reference's choice, rather than an independent 15 % coin per
 * token) means no sequence is ever without a target and the loss is always averaged over the same
 * number of positions. For evaluation every chosen position becomes [MASK]: the random and
 * unchanged replacements only keep training from relying on [MASK] being present, and an
 * all-[MASK] evaluation gives a plain masked-token loss. Positions and replacements come only from
 * the given {@link Random}, so a seeded one reproduces the batch exactly.
 */
final class TokenMasking {

    /** Fraction of each sequence chosen as prediction targets. */
    static final double TARGET_FRACTION = 0.15;
    /** Of the targets, the fraction replaced by [MASK] during training. */
    static final double MASK_FRACTION = 0.8;
    /** Of the targets, the fraction replaced by a random token during training (the rest stay). */
    static final double RANDOM_FRACTION = 0.1;

    /**
     * A corrupted batch.
     *
     * @param inputs   {@code (B, T)} the ids the model sees
     * @param targets  {@code (B, T)} the original ids
     * @param selected {@code (B, T)} 1 at prediction targets, 0 elsewhere
     */
    record Masked(int[][] inputs, int[][] targets, float[][] selected) {
    }

    private TokenMasking() {
    }

    /**
     * Chooses targets and corrupts them.
     *
     * @param tokens    {@code (B, T)} ids, each in {@code [0, vocabSize)} (see {@link PostLnEncoder#inputs}); not modified
     * @param maskId    the id of [MASK]
     * @param vocabSize random replacements are drawn from {@code [0, vocabSize)}
     * @param training  whether to use the 80/10/10 replacement (else every target becomes [MASK])
     * @param random    the only source of randomness
     */
    static Masked apply(int[][] tokens, int maskId, int vocabSize, boolean training, Random random) {
        int batch = tokens.length;
        int[][] inputs = new int[batch][];
        int[][] targets = new int[batch][];
        float[][] selected = new float[batch][];
        for (int b = 0; b < batch; b++) {
            int t = tokens[b].length;
            targets[b] = tokens[b].clone();
            inputs[b] = tokens[b].clone();
            selected[b] = new float[t];
            int[] order = shuffledPositions(t, random);
            int count = Math.max(1, (int) Math.round(TARGET_FRACTION * t));
            for (int k = 0; k < count; k++) {
                int position = order[k];
                selected[b][position] = 1f;
                inputs[b][position] = replacement(tokens[b][position], maskId, vocabSize, training, random);
            }
        }
        return new Masked(inputs, targets, selected);
    }

    private static int replacement(int original, int maskId, int vocabSize, boolean training, Random random) {
        if (!training) {
            return maskId;
        }
        double r = random.nextDouble();
        if (r < MASK_FRACTION) {
            return maskId;
        }
        return r < MASK_FRACTION + RANDOM_FRACTION ? random.nextInt(vocabSize) : original;
    }

    /** Fisher–Yates over {@code 0 .. t − 1}. */
    private static int[] shuffledPositions(int t, Random random) {
        int[] order = new int[t];
        for (int i = 0; i < t; i++) {
            order[i] = i;
        }
        for (int i = t - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
