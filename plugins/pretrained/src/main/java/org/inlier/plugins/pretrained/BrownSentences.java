package org.inlier.plugins.pretrained;

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
 * short; capped splits take every k-th sentence so every genre stays represented.
 */
public final class BrownSentences implements Dataset {

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
        StringBuilder sizes = new StringBuilder();
        for (Split split : Split.values()) {
            int[][] windows = evenlySpaced(SentenceWindows.brown(split, context, tokenizer).windows(), options.getInt("max_sentences"));
            int[] stream = new int[windows.length * seq];
            for (int i = 0; i < windows.length; i++) {
                System.arraycopy(windows[i], 0, stream, i * seq, seq);
            }
            streams.put(split, stream);
            sizes.append(sizes.length() == 0 ? "" : " / ").append(windows.length);
        }
        String description = "Brown corpus sentences, " + sizes + " train / valid / test windows of " + seq + " tokens ("
                + tokenizer.source() + ")";
        return new SentenceCorpus(description, tokenizer, seq, streams.get(Split.TRAIN), streams.get(Split.VALID), streams.get(Split.TEST));
    }

    private static int[][] evenlySpaced(int[][] windows, int max) {
        if (max == 0 || windows.length <= max) {
            return windows;
        }
        int[][] kept = new int[max][];
        for (int i = 0; i < max; i++) {
            kept[i] = windows[(int) ((long) i * windows.length / max)];
        }
        return kept;
    }
}
