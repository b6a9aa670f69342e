package org.inlier.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.inlier.api.data.DataContext;
import org.inlier.api.data.DataUnavailableException;
import org.inlier.api.data.Split;
import org.inlier.api.plugin.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFileDatasetTest {

    @TempDir
    Path dir;

    private final TextFileDataset dataset = new TextFileDataset();

    private TokenizedCorpus load(Map<String, ?> values) {
        return dataset.load(Options.withDefaults(dataset.options(), values), new DataContext(dir.resolve("cache"), line -> { }));
    }

    @Test
    void linesEightAndNineOfEveryTenGoToValidAndTest() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            lines.add("line " + i);
        }

        Map<Split, String> texts = TextFileDataset.splitLines(lines, false);

        assertThat(texts.get(Split.VALID)).isEqualTo("line 8\nline 18\n");
        assertThat(texts.get(Split.TEST)).isEqualTo("line 9\nline 19\n");
        assertThat(texts.get(Split.TRAIN)).startsWith("line 0\nline 1\n").contains("line 7\nline 10\n")
                .endsWith("line 17\n").doesNotContain("line 8", "line 9");
    }

    @Test
    void aLoadedFileIsEncodedPerSplit() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            lines.add("ab".repeat(i));
        }
        Path file = Files.write(dir.resolve("text.txt"), lines);

        TokenizedCorpus corpus = load(Map.of("path", file.toString()));

        assertThat(corpus.tokenizer().decode(corpus.tokens(Split.VALID))).isEqualTo("ab".repeat(8) + "\n" + "ab".repeat(18) + "\n");
        assertThat(corpus.tokens(Split.TEST)).hasSize(2 * 9 + 1 + 2 * 19 + 1);
        assertThat(corpus.tokens(Split.TRAIN)).hasSize(2 * (0 + 1 + 2 + 3 + 4 + 5 + 6 + 7 + 10 + 11 + 12 + 13 + 14 + 15 + 16 + 17) + 16);
        assertThat(corpus.description()).contains(file.toAbsolutePath().toString());
    }

    @Test
    void theVocabularyComesFromTheTrainingLinesOnly() throws IOException {
        Path file = Files.write(dir.resolve("text.txt"), List.of("a", "a", "a", "a", "a", "a", "a", "a", "v", "t"));

        TokenizedCorpus corpus = load(Map.of("path", file.toString()));

        assertThat(corpus.tokenizer().vocabulary()).isEqualTo("\na");
        assertThat(corpus.tokens(Split.VALID)).containsExactly(CharacterTokenizer.UNKNOWN_ID, 1);
        assertThat(corpus.tokens(Split.TEST)).containsExactly(CharacterTokenizer.UNKNOWN_ID, 1);
    }

    @Test
    void lowercaseFoldsTheText() throws IOException {
        Path file = Files.writeString(dir.resolve("text.txt"), "Hello World\n");

        TokenizedCorpus corpus = load(Map.of("path", file.toString(), "lowercase", true));

        assertThat(corpus.tokenizer().decode(corpus.tokens(Split.TRAIN))).isEqualTo("hello world\n");
    }

    @Test
    void aMissingFileIsReportedWithItsAbsolutePath() {
        assertThatThrownBy(() -> load(Map.of("path", "no/such/file.txt")))
                .isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining(Path.of("no/such/file.txt").toAbsolutePath().toString());
    }

    @Test
    void aMissingPathOptionIsReported() {
        assertThatThrownBy(() -> load(Map.of()))
                .isInstanceOf(DataUnavailableException.class).hasMessageContaining("'path'");
    }

    @Test
    void textThatIsNotUtf8IsReported() throws IOException {
        Path file = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});

        assertThatThrownBy(() -> load(Map.of("path", file.toString())))
                .isInstanceOf(DataUnavailableException.class).hasMessageContaining("not valid UTF-8");
    }
}
