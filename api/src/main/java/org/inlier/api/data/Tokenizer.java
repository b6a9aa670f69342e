package org.inlier.api.data;

/** Turns text into token ids and back. */
public interface Tokenizer {

    /** The number of distinct token ids; every id is in {@code [0, vocabSize)}. */
    int vocabSize();

    /** The ids of a text; never {@code null}. */
    int[] encode(String text);

    /** The text of token ids. */
    String decode(int[] ids);
}
