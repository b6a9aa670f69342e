package org.inlier.plugins.pretrained;

import java.util.List;
import java.util.Objects;
import org.inlier.api.data.DataContext;
import org.inlier.api.data.Split;
import org.inlier.plugins.datasets.BrownCorpus;
import org.inlier.plugins.datasets.LabelledSentence;

/**
 * Sentences as the token windows a BERT encoder takes: one sentence per window,
 * {@code [CLS] sentence [SEP]} padded (or truncated) to the sequence length, with the sentence's
 * genre kept for probes. Sentence windows rather than a cut token stream, because BERT was trained
 * on sequences that start with [CLS] — the token its no-op heads attend to, where its outliers sit.
 *
 * @param windows {@code (N, seq)} ids, padded with the tokenizer's padding id
 * @param genres  the genre of each window's sentence (Brown: {@code ca} … {@code cr})
 */
public record SentenceWindows(int[][] windows, List<String> genres) {

    public SentenceWindows {
        Objects.requireNonNull(windows, "windows");
        genres = List.copyOf(genres);
        if (windows.length != genres.size()) {
            throw new IllegalArgumentException(windows.length + " windows but " + genres.size() + " genres");
        }
    }

    /**
     * Tokenizes sentences one window each.
     *
     * @param sentences the sentences, in the order the windows should have
     * @param tokenizer the model's own tokenizer (it lowercases if the model is uncased)
     */
    public static SentenceWindows of(List<LabelledSentence> sentences, WordPieceTokenizer tokenizer) {
        int[][] windows = new int[sentences.size()][];
        for (int i = 0; i < windows.length; i++) {
            windows[i] = tokenizer.window(sentences.get(i).text());
        }
        return new SentenceWindows(windows, sentences.stream().map(LabelledSentence::genre).toList());
    }

    /**
     * The sentences of one split of the Brown corpus (split by file, as {@link BrownCorpus} does),
     * fetching the corpus first if needed.
     *
     * @param split     which split
     * @param context   cache directory and progress log
     * @param tokenizer the model's own tokenizer
     */
    public static SentenceWindows brown(Split split, DataContext context, WordPieceTokenizer tokenizer) {
        return of(new BrownCorpus().sentences(split, false, context), tokenizer);
    }
}
