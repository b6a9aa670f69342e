package org.inlier.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CharacterTokenizerTest {

    @Test
    void vocabularyIsSortedDistinctCharactersAfterTheUnknownId() {
        CharacterTokenizer tokenizer = CharacterTokenizer.fromText("banana bread");

        assertThat(tokenizer.vocabulary()).isEqualTo(" abdenr");
        assertThat(tokenizer.vocabSize()).isEqualTo(8);
        assertThat(tokenizer.encode(" ab")).containsExactly(1, 2, 3);
    }

    @Test
    void encodeThenDecodeGivesTheTextBack() {
        String text = "The jury said, ``1-1/2'' years.\n";
        CharacterTokenizer tokenizer = CharacterTokenizer.fromText(text);

        int[] ids = tokenizer.encode(text);

        assertThat(ids).hasSize(text.length()).doesNotContain(CharacterTokenizer.UNKNOWN_ID);
        assertThat(tokenizer.decode(ids)).isEqualTo(text);
    }

    @Test
    void unseenCharactersMapToTheUnknownId() {
        CharacterTokenizer tokenizer = CharacterTokenizer.fromText("abc");

        int[] ids = tokenizer.encode("abxc");

        assertThat(ids).containsExactly(1, 2, CharacterTokenizer.UNKNOWN_ID, 3);
        assertThat(tokenizer.decode(ids)).isEqualTo("ab\uFFFDc");
    }

    @Test
    void oneTokenPerCodePointOutsideTheBasicPlane() {
        String text = "a\uD83D\uDE00b";
        CharacterTokenizer tokenizer = CharacterTokenizer.fromText(text);

        assertThat(tokenizer.vocabSize()).isEqualTo(4);
        assertThat(tokenizer.encode(text)).containsExactly(1, 3, 2);
        assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
    }

    @Test
    void theVocabularyRebuildsAnEqualTokenizer() {
        CharacterTokenizer tokenizer = CharacterTokenizer.fromText("hello, world");

        CharacterTokenizer rebuilt = CharacterTokenizer.fromVocabulary(tokenizer.vocabulary());

        assertThat(rebuilt).isEqualTo(tokenizer);
        assertThat(rebuilt.encode("world")).containsExactly(tokenizer.encode("world"));
    }

    @Test
    void aVocabularyOutOfOrderIsRejected() {
        assertThatThrownBy(() -> CharacterTokenizer.fromVocabulary("ba"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascending");
    }

    @Test
    void decodingAnIdOutsideTheVocabularyFails() {
        CharacterTokenizer tokenizer = CharacterTokenizer.fromText("ab");

        assertThatThrownBy(() -> tokenizer.decode(new int[] {3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 3)");
    }

    @Test
    void anEmptyTextGivesOnlyTheUnknownId() {
        CharacterTokenizer tokenizer = CharacterTokenizer.fromText("");

        assertThat(tokenizer.vocabSize()).isEqualTo(1);
        assertThat(tokenizer.encode("z")).containsExactly(0);
    }
}
