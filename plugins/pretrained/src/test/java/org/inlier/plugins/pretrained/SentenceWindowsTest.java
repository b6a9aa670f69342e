package org.inlier.plugins.pretrained;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.inlier.plugins.datasets.LabelledSentence;
import org.junit.jupiter.api.Test;

class SentenceWindowsTest {

    @Test
    void eachSentenceBecomesOnePaddedWindowWithItsGenre() {
        try (WordPieceTokenizer tokenizer = WordPieceTokenizer.loadResource(BertOnnx.TOKENIZER_RESOURCE, 8)) {
            SentenceWindows windows = SentenceWindows.of(List.of(new LabelledSentence("Merger proposed.", "ca", "ca01"),
                    new LabelledSentence("Pray for rain.", "cd", "cd03")), tokenizer);
            assertThat(windows.genres()).containsExactly("ca", "cd");
            assertThat(windows.windows()).hasDimensions(2, 8);
            assertThat(windows.windows()[0]).containsExactly(101, 7660, 3818, 1012, 102, 0, 0, 0);
        }
    }
}
