package org.inlier.api.data;

import java.util.List;

/**
 * A corpus of fixed blocks (one sentence each) with a class label per block, for probes that
 * classify sentences from a model's frozen embeddings (e.g. Brown corpus sentences by genre).
 */
public interface LabelledCorpus extends Corpus {

    /**
     * The label of every block of a split, in the order of {@link #tokens(Split)}: entry {@code i}
     * belongs to tokens {@code i·blockLength() … (i + 1)·blockLength() − 1}.
     */
    List<String> labels(Split split);

    /** What the labels are and how the splits were made, one sentence for reports. */
    String labelling();
}
