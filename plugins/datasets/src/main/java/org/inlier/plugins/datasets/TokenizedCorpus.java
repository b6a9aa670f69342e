package org.inlier.plugins.datasets;

import java.util.Map;
import java.util.Objects;

import org.inlier.api.data.Corpus;
import org.inlier.api.data.Split;

/**
 * A corpus whose splits are already encoded with a {@link CharacterTokenizer}.
 *
 * <p>The record keeps the id arrays it is given; {@link #tokens(Split)} hands out copies so a
 * caller cannot change the corpus for the next one.
 *
 * @param description source and size, for reports
 * @param tokenizer   the tokenizer that produced the ids
 * @param train       ids of the training split
 * @param valid       ids of the validation split
 * @param test        ids of the test split
 */
public record TokenizedCorpus(String description, CharacterTokenizer tokenizer, int[] train, int[] valid, int[] test)
        implements Corpus {

    public TokenizedCorpus {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(valid, "valid");
        Objects.requireNonNull(test, "test");
    }

    /**
     * Encodes the text of each split and describes the result.
     *
     * @param source    what the text is, e.g. {@code Brown corpus (lowercase=false)}; the description
     *                  appends the characters per split and the vocabulary size
     * @param tokenizer the tokenizer to encode with
     * @param texts     the text of every split
     */
    public static TokenizedCorpus encode(String source, CharacterTokenizer tokenizer, Map<Split, String> texts) {
        int[] train = tokenizer.encode(require(texts, Split.TRAIN));
        int[] valid = tokenizer.encode(require(texts, Split.VALID));
        int[] test = tokenizer.encode(require(texts, Split.TEST));
        String description = source + ": " + train.length + " / " + valid.length + " / " + test.length
                + " train / valid / test characters, vocabulary " + tokenizer.vocabSize();
        return new TokenizedCorpus(description, tokenizer, train, valid, test);
    }

    private static String require(Map<Split, String> texts, Split split) {
        return Objects.requireNonNull(texts.get(split), () -> "no text for split " + split);
    }

    /** A free-running character stream: windows may start anywhere. */
    @Override
    public int blockLength() {
        return 0;
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
