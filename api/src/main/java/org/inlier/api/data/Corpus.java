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

    /**
     * The length of the fixed blocks each split's stream is made of (one padded sentence per
     * block, for encoders that expect {@code [CLS] sentence [SEP]}; or one labelled example, such
     * as a class id followed by an image's pixel values, for classifiers), or 0 for a free-running
     * text stream that windows may cut anywhere.
     */
    int blockLength();
}
