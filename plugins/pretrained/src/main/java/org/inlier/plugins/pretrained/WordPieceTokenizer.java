package org.inlier.plugins.pretrained;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import org.inlier.api.data.Tokenizer;

/**
 * A pretrained model's own Hugging Face tokenizer ({@code tokenizer.json}, e.g. BERT's WordPiece),
 * run by DJL's binding of the Rust {@code tokenizers} library, offline.
 *
 * <p>{@link #encode} gives {@code [CLS] … [SEP]} truncated to the sequence length; {@link #window}
 * pads that to exactly the sequence length with the padding id. The tokenizer file's own padding
 * and truncation settings are replaced by these.
 *
 * <p>DJL is always given a file path: given a string it would take it for a hub id and try to
 * download, so class path resources are copied to a temporary file first.
 */
public final class WordPieceTokenizer implements Tokenizer, AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final String source;
    private final int vocabSize;
    private final int padId;
    private final int seq;

    private WordPieceTokenizer(HuggingFaceTokenizer tokenizer, String source, int vocabSize, int padId, int seq) {
        this.tokenizer = tokenizer;
        this.source = source;
        this.vocabSize = vocabSize;
        this.padId = padId;
        this.seq = seq;
    }

    /**
     * Loads a {@code tokenizer.json}.
     *
     * @param file the file
     * @param seq  tokens per window, special tokens included
     * @throws IllegalArgumentException if the file is missing or not a Hugging Face tokenizer
     */
    public static WordPieceTokenizer load(Path file, int seq) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("tokenizer file " + file.toAbsolutePath() + " does not exist");
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("tokenizer file " + file.toAbsolutePath() + " is not JSON: " + e.getMessage(), e);
        }
        int vocabSize = vocabSize(json, file);
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(file, Map.of(
                    "addSpecialTokens", "true", "truncation", "true", "padding", "false", "maxLength", String.valueOf(seq)));
            return new WordPieceTokenizer(tokenizer, file.toString(), vocabSize, padId(json), seq);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot load tokenizer " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads a {@code tokenizer.json} from the class path (through a temporary copy, deleted once loaded).
     *
     * @throws IllegalArgumentException if the resource is missing or not a Hugging Face tokenizer
     */
    public static WordPieceTokenizer loadResource(String resource, int seq) {
        try (InputStream in = BundledResource.open(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("class path resource " + resource + " is missing");
            }
            Path copy = Files.createTempFile("inlier-tokenizer-", ".json");
            try {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                WordPieceTokenizer loaded = load(copy, seq);
                return new WordPieceTokenizer(loaded.tokenizer, "class path resource " + resource, loaded.vocabSize, loaded.padId, seq);
            } finally {
                Files.deleteIfExists(copy);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy tokenizer resource " + resource + " to a temporary file", e);
        }
    }

    /** Where the tokenizer came from, for messages. */
    public String source() {
        return source;
    }

    /** The number of ids: one more than the largest id of the vocabulary and the added tokens. */
    @Override
    public int vocabSize() {
        return vocabSize;
    }

    /** The id windows are padded with. */
    public int padId() {
        return padId;
    }

    /** The ids of {@code [CLS] text [SEP]}, truncated to the sequence length. */
    @Override
    public int[] encode(String text) {
        return Arrays.stream(tokenizer.encode(text).getIds()).mapToInt(Math::toIntExact).toArray();
    }

    /** {@link #encode} padded to exactly the sequence length with {@link #padId()}. */
    public int[] window(String text) {
        int[] ids = encode(text);
        int[] window = Arrays.copyOf(ids, seq);
        Arrays.fill(window, ids.length, seq, padId);
        return window;
    }

    /** The text of the ids, special tokens removed. */
    @Override
    public String decode(int[] ids) {
        return tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), true);
    }

    /** Frees the native tokenizer. */
    @Override
    public void close() {
        tokenizer.close();
    }

    private static int vocabSize(JsonNode json, Path file) {
        JsonNode vocab = json.path("model").path("vocab");
        if (!vocab.isObject() && !vocab.isArray()) {
            throw new IllegalArgumentException("tokenizer file " + file.toAbsolutePath()
                    + " is not a Hugging Face tokenizer.json: it has no model.vocab");
        }
        // WordPiece and BPE map tokens to ids; Unigram lists [token, score] pairs in id order.
        int size = 0;
        if (vocab.isArray()) {
            size = vocab.size();
        } else {
            for (JsonNode id : vocab) {
                size = Math.max(size, id.asInt() + 1);
            }
        }
        for (JsonNode added : json.path("added_tokens")) {
            size = Math.max(size, added.path("id").asInt() + 1);
        }
        return size;
    }

    /** The padding id the file declares, else the id of {@code [PAD]}, else 0. */
    private static int padId(JsonNode json) {
        JsonNode declared = json.path("padding").path("pad_id");
        if (declared.isInt()) {
            return declared.asInt();
        }
        JsonNode pad = json.path("model").path("vocab").path("[PAD]");
        return pad.isInt() ? pad.asInt() : 0;
    }
}
