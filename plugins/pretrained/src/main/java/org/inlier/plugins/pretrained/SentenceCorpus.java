package org.inlier.plugins.pretrained;

import java.util.Objects;
import org.inlier.api.data.Corpus;
import org.inlier.api.data.Split;
import org.inlier.api.data.Tokenizer;

/**
 * Sentence windows as a corpus: each split's stream is its windows laid end to end, every block
 * {@code [CLS] sentence [SEP]} padded to the block length, so windows never straddle sentences.
 *
 * @param description source and size, for reports
 * @param tokenizer   the model's own tokenizer
 * @param blockLength tokens per sentence window
 * @param train       the training split's blocks, end to end
 * @param valid       the validation split's blocks
 * @param test        the test split's blocks
 */
public record SentenceCorpus(String description, Tokenizer tokenizer, int blockLength, int[] train, int[] valid, int[] test)
        implements Corpus {

    public SentenceCorpus {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(tokenizer, "tokenizer");
    }

    @Override
    public int[] tokens(Split split) {
        return switch (split) {
            case TRAIN -> train.clone();
            case VALID -> valid.clone();
            case TEST -> test.clone();
        };
    }
}
