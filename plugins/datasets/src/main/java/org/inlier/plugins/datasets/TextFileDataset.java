package org.inlier.plugins.datasets;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.inlier.api.data.DataContext;
import org.inlier.api.data.DataUnavailableException;
import org.inlier.api.data.Dataset;
import org.inlier.api.data.Split;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;

/**
 * Any UTF-8 text file, read at character level. Id {@code text-file}.
 *
 * <p><b>Splits, by line.</b> Counting lines from 0 (blank lines included), line {@code i} goes to
 * VALID when {@code i % 10 == 8}, to TEST when {@code i % 10 == 9}, and to TRAIN otherwise: 80 / 10 /
 * 10 per cent, spread over the whole file. Each line keeps its {@code \n}. A file of fewer than 9
 * lines has empty VALID and TEST splits.
 *
 * <p>The {@link CharacterTokenizer} is built from the TRAIN lines only.
 *
 * <p>Options: {@code path} (required; relative paths are resolved against the working directory)
 * and {@code lowercase} (default false).
 */
public final class TextFileDataset implements Dataset {

    /** The id pipeline files use. */
    public static final String ID = "text-file";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "a UTF-8 text file at character level, split by line (every 10th line valid, the next test)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.requiredString("path", "the UTF-8 text file to read (required)"),
                OptionSpec.bool("lowercase", false, "lowercase the text before building the vocabulary"));
    }

    @Override
    public TokenizedCorpus load(Options options, DataContext context) {
        Path path = Path.of(options.findString("path").orElseThrow(() -> new DataUnavailableException(
                "The text-file data set needs the option 'path': the UTF-8 text file to read."))).toAbsolutePath();
        boolean lowercase = options.getBoolean("lowercase");
        Map<Split, String> texts = splitLines(readLines(path), lowercase);
        TokenizedCorpus corpus = TokenizedCorpus.encode("text file " + path + " (lowercase=" + lowercase + ")",
                CharacterTokenizer.fromText(texts.get(Split.TRAIN)), texts);
        context.log().accept(ID + ": " + corpus.description());
        return corpus;
    }

    /** The split of line {@code index}, by the rule in the class description. */
    static Split splitOf(int index) {
        return switch (index % 10) {
            case 8 -> Split.VALID;
            case 9 -> Split.TEST;
            default -> Split.TRAIN;
        };
    }

    /** The text of every split: its lines in file order, each ending in {@code \n}. */
    static Map<Split, String> splitLines(List<String> lines, boolean lowercase) {
        Map<Split, StringBuilder> builders = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            builders.put(split, new StringBuilder());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lowercase ? lines.get(i).toLowerCase(Locale.ROOT) : lines.get(i);
            builders.get(splitOf(i)).append(line).append('\n');
        }
        Map<Split, String> texts = new EnumMap<>(Split.class);
        builders.forEach((split, text) -> texts.put(split, text.toString()));
        return texts;
    }

    private static List<String> readLines(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new DataUnavailableException("The text file " + path + " does not exist or is not a regular file;"
                    + " set the option 'path' of the text-file data set to an existing UTF-8 text file.");
        }
        try {
            return Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new DataUnavailableException("The text file " + path + " is not valid UTF-8: " + e, e);
        } catch (IOException e) {
            throw new DataUnavailableException("Could not read the text file " + path + ": " + e, e);
        }
    }
}
