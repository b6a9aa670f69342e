package org.inlier.plugins.datasets;

import java.util.List;

import org.inlier.api.data.Tokenizer;

/**
 * The "tokenizer" of a classification data set: id {@code i} is class {@code i}, and its text is
 * the class name. The runtime reads {@link #vocabSize()} as the number of classes.
 *
 * <p>Only a block's first value is a class id (see {@link LabelledImages}); the pixel values after
 * it are not tokens, so ids outside the classes decode to the empty string.
 *
 * @param names the class names in id order
 */
public record ClassNames(List<String> names) implements Tokenizer {

    public ClassNames {
        names = List.copyOf(names);
    }

    @Override
    public int vocabSize() {
        return names.size();
    }

    /**
     * The class ids of space-separated class names.
     *
     * @throws IllegalArgumentException for a word that is not a class name
     */
    @Override
    public int[] encode(String text) {
        return text.isBlank() ? new int[0] : java.util.Arrays.stream(text.strip().split(" +")).mapToInt(name -> {
            int id = names.indexOf(name);
            if (id < 0) {
                throw new IllegalArgumentException("'" + name + "' is not a class name; classes: " + names);
            }
            return id;
        }).toArray();
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder();
        for (int id : ids) {
            if (id >= 0 && id < names.size()) {
                text.append(text.isEmpty() ? "" : " ").append(names.get(id));
            }
        }
        return text.toString();
    }
}
