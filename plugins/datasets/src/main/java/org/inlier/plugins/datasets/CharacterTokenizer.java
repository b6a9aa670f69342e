package org.inlier.plugins.datasets;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;

import org.inlier.api.data.Tokenizer;

/**
 * A character-level tokenizer: one token per Unicode code point.
 *
 * <p>Id {@code 0} is the unknown character; ids {@code 1 … n} are the distinct characters of the
 * text the tokenizer was built from, in ascending code point order. Characters never seen while
 * building (e.g. in a valid or test split) encode to {@code 0} and decode to U+FFFD.
 *
 * <p>Why character level: the vocabulary stays tiny (under a hundred ids for English text), so the
 * embedding and the language-model head stay cheap enough to train on a 2-core CPU; there is no
 * tokenizer to train or download; and every text is representable.
 *
 * <p>The tokenizer is fully described by {@link #vocabulary()}; {@link #fromVocabulary(String)}
 * rebuilds an identical one from it.
 */
public final class CharacterTokenizer implements Tokenizer {

    /** The id of every character that is not in the vocabulary. */
    public static final int UNKNOWN_ID = 0;

    /** What {@link #decode} writes for {@link #UNKNOWN_ID}. */
    public static final char UNKNOWN_CHAR = '\uFFFD';

    private final String vocabulary;
    /** Sorted code points; code point {@code codePoints[i]} has id {@code i + 1}. */
    private final int[] codePoints;

    private CharacterTokenizer(int[] sortedDistinctCodePoints) {
        this.codePoints = sortedDistinctCodePoints;
        this.vocabulary = new String(sortedDistinctCodePoints, 0, sortedDistinctCodePoints.length);
    }

    /** A tokenizer whose vocabulary is the distinct characters of this text. */
    public static CharacterTokenizer fromText(CharSequence text) {
        // A bit set instead of sorting: the training text has millions of characters but few distinct ones.
        BitSet seen = new BitSet();
        text.codePoints().forEach(seen::set);
        return new CharacterTokenizer(seen.stream().toArray());
    }

    /**
     * The tokenizer that {@link #vocabulary()} describes.
     *
     * @param vocabulary distinct characters in ascending code point order
     * @throws IllegalArgumentException when the characters are repeated or out of order
     */
    public static CharacterTokenizer fromVocabulary(String vocabulary) {
        int[] cps = vocabulary.codePoints().toArray();
        for (int i = 1; i < cps.length; i++) {
            if (cps[i] <= cps[i - 1]) {
                throw new IllegalArgumentException("vocabulary must hold distinct characters in ascending order; "
                        + "position " + i + " breaks it");
            }
        }
        return new CharacterTokenizer(cps);
    }

    /** The known characters, in id order starting at id 1; enough to rebuild this tokenizer. */
    public String vocabulary() {
        return vocabulary;
    }

    @Override
    public int vocabSize() {
        return codePoints.length + 1;
    }

    @Override
    public int[] encode(String text) {
        int[] ids = new int[text.length()];
        int n = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int at = Arrays.binarySearch(codePoints, cp);
            ids[n++] = at >= 0 ? at + 1 : UNKNOWN_ID;
            i += Character.charCount(cp);
        }
        return n == ids.length ? ids : Arrays.copyOf(ids, n);
    }

    /** @throws IllegalArgumentException when an id is outside {@code [0, vocabSize())} */
    @Override
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside [0, " + vocabSize() + ")");
            }
            if (id == UNKNOWN_ID) {
                text.append(UNKNOWN_CHAR);
            } else {
                text.appendCodePoint(codePoints[id - 1]);
            }
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CharacterTokenizer other && vocabulary.equals(other.vocabulary);
    }

    @Override
    public int hashCode() {
        return Objects.hash(vocabulary);
    }

    @Override
    public String toString() {
        return "CharacterTokenizer[vocabSize=" + vocabSize() + "]";
    }
}
