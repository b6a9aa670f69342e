package org.inlier.api.data;

/**
 * A tokenized data set, split into fixed train / valid / test partitions.
 *
 * <p>Token models read each split as one long stream of ids and cut windows from it.
 */
public interface Corpus {

    /** A short, human-readable description for reports, e.g. the source and its size. */
    String description();

    /** The tokenizer that produced the ids. */
    Tokenizer tokenizer();

    /** All token ids of one split, in corpus order; never {@code null}. */
    int[] tokens(Split split);
}
