package org.inlier.plugins.pretrained;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.inlier.api.data.Corpus;
import org.inlier.api.data.DataContext;
import org.inlier.api.data.Dataset;
import org.inlier.api.data.Split;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;

/**
 * Brown corpus sentences for BERT encoders: one {@code [CLS] sentence [SEP]} window per sentence,
 * tokenized with the model's own WordPiece tokenizer (the bundled all-MiniLM-L6-v2 one by default),
 * split by file as {@code brown-corpus} does. A cap per split keeps calibration and evaluation
 * short; capped splits take every k-th sentence so every genre stays represented. Each window keeps
 * its sentence's genre, so the corpus is a {@link org.inlier.api.data.LabelledCorpus} for the
 * evaluate stage's linear probe.
 */
public final class BrownSentences implements Dataset {

    /** The labels and splits, as reports state them. */
    static final String LABELLING = "genre: the 15 Brown corpus file prefixes ca…cr; split by file within each genre, counting from"
            + " the genre's last file: every 10th file (the last, the 11th from last, …) to test, the file before each of those to"
            + " valid, the rest to train, so no file gives sentences to two splits and every genre is in every split";

    @Override
    public String id() {
        return "brown-sentences";
    }

    @Override
    public String description() {
        return "Brown corpus sentences as [CLS] sentence [SEP] windows for BERT encoders (WordPiece)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.integer("seq", 128, 4, 4096, "tokens per window; must equal the model's seq"),
                OptionSpec.string("tokenizer", null, "tokenizer.json of the model; default: the bundled all-MiniLM-L6-v2 tokenizer"),
                OptionSpec.integer("max_sentences", 2000, 0, Integer.MAX_VALUE, "sentences kept per split, evenly spaced; 0 = all"));
    }

    @Override
    public Corpus load(Options options, DataContext context) {
        int seq = options.getInt("seq");
        WordPieceTokenizer tokenizer = options.findString("tokenizer")
                .map(path -> WordPieceTokenizer.load(java.nio.file.Path.of(path), seq))
                .orElseGet(() -> WordPieceTokenizer.loadResource(BertOnnx.TOKENIZER_RESOURCE, seq));
        Map<Split, int[]> streams = new EnumMap<>(Split.class);
        Map<Split, List<String>> genres = new EnumMap<>(Split.class);
        StringBuilder sizes = new StringBuilder();
        for (Split split : Split.values()) {
            SentenceWindows all = SentenceWindows.brown(split, context, tokenizer);
            int[] kept = evenlySpaced(all.windows().length, options.getInt("max_sentences"));
            int[] stream = new int[kept.length * seq];
            List<String> labels = new ArrayList<>(kept.length);
            for (int i = 0; i < kept.length; i++) {
                System.arraycopy(all.windows()[kept[i]], 0, stream, i * seq, seq);
                labels.add(all.genres().get(kept[i]));
            }
            streams.put(split, stream);
            genres.put(split, labels);
            sizes.append(sizes.length() == 0 ? "" : " / ").append(kept.length);
        }
        String description = "Brown corpus sentences, " + sizes + " train / valid / test windows of " + seq + " tokens ("
                + tokenizer.source() + ")";
        return new SentenceCorpus(description, tokenizer, seq, streams.get(Split.TRAIN), streams.get(Split.VALID), streams.get(Split.TEST),
                genres, LABELLING);
    }

    /** The indices kept of {@code count} windows: all, or {@code max} evenly spaced ones. */
    private static int[] evenlySpaced(int count, int max) {
        int kept = max == 0 ? count : Math.min(count, max);
        int[] indices = new int[kept];
        for (int i = 0; i < kept; i++) {
            indices[i] = (int) ((long) i * count / kept);
        }
        return indices;
    }
}
