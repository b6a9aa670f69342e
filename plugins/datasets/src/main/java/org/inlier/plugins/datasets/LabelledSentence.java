package org.inlier.plugins.datasets;

import java.util.Objects;

/**
 * One sentence of a corpus with where it came from, for probes that classify text (e.g. by genre).
 *
 * @param text  the sentence, tags removed, words joined by single spaces
 * @param genre the genre code, e.g. {@code ca} for press reportage in the Brown corpus
 * @param file  the source file name, e.g. {@code ca01}
 */
public record LabelledSentence(String text, String genre, String file) {

    public LabelledSentence {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(genre, "genre");
        Objects.requireNonNull(file, "file");
    }
}
