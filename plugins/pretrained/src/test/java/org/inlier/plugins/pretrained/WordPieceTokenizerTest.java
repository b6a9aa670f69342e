package org.inlier.plugins.pretrained;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordPieceTokenizerTest {

    private static final int CLS = 101;
    private static final int SEP = 102;

    @TempDir
    Path dir;

    @Test
    void theBundledTokenizerIsUncasedWordPieceWithSpecialTokens() {
        try (WordPieceTokenizer tokenizer = WordPieceTokenizer.loadResource(BertOnnx.TOKENIZER_RESOURCE, 16)) {
            assertThat(tokenizer.vocabSize()).isEqualTo(30522);
            assertThat(tokenizer.padId()).isZero();
            int[] ids = tokenizer.encode("The Jury");
            assertThat(ids).startsWith(CLS).endsWith(SEP).hasSize(4);
            assertThat(tokenizer.decode(ids)).isEqualTo("the jury");
        }
    }

    @Test
    void windowsAreTruncatedOrPaddedToTheSequenceLength() {
        try (WordPieceTokenizer tokenizer = WordPieceTokenizer.loadResource(BertOnnx.TOKENIZER_RESOURCE, 8)) {
            assertThat(tokenizer.window("one two three four five six seven eight nine ten")).hasSize(8).startsWith(CLS).endsWith(SEP);
            assertThat(tokenizer.window("merger proposed")).containsExactly(CLS, 7660, 3818, SEP, 0, 0, 0, 0);
        }
    }

    @Test
    void aMissingTokenizerFileIsAClearError() {
        assertThatThrownBy(() -> WordPieceTokenizer.load(dir.resolve("tokenizer.json"), 8))
                .hasMessageContaining("tokenizer.json does not exist");
    }

    @Test
    void aJsonFileThatIsNoTokenizerIsAClearError() throws Exception {
        Path file = Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 384}");
        assertThatThrownBy(() -> WordPieceTokenizer.load(file, 8)).hasMessageContaining("has no model.vocab");
    }
}
