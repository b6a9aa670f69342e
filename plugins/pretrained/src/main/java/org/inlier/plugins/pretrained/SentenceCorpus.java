package org.inlier.plugins.pretrained;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.inlier.api.data.LabelledCorpus;
import org.inlier.api.data.Split;
import org.inlier.api.data.Tokenizer;

/**
 * Sentence windows as a corpus: each split's stream is its windows laid end to end, every block
 * {@code [CLS] sentence [SEP]} padded to the block length, so windows never straddle sentences;
 * each block keeps its sentence's label (the Brown genre) for probes.
 *
 * @param description source and size, for reports
 * @param tokenizer   the model's own tokenizer
 * @param blockLength tokens per sentence window
 * @param train       the training split's blocks, end to end
 * @param valid       the validation split's blocks
 * @param test        the test split's blocks
 * @param labels      each split's block labels, in block order
 * @param labelling   what the labels are and how the splits were made
 */
public record SentenceCorpus(String description, Tokenizer tokenizer, int blockLength, int[] train, int[] valid, int[] test,
                             Map<Split, List<String>> labels, String labelling) implements LabelledCorpus {

    public SentenceCorpus {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(labelling, "labelling");
        Map<Split, List<String>> copy = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            List<String> l = List.copyOf(labels.get(split));
            int blocks = switch (split) {
                case TRAIN -> train.length;
                case VALID -> valid.length;
                case TEST -> test.length;
            } / blockLength;
            if (l.size() != blocks) {
                throw new IllegalArgumentException(split + " has " + blocks + " blocks but " + l.size() + " labels");
            }
            copy.put(split, l);
        }
        labels = Map.copyOf(copy);
    }

    @Override
    public int[] tokens(Split split) {
        return switch (split) {
            case TRAIN -> train.clone();
            case VALID -> valid.clone();
            case TEST -> test.clone();
        };
    }

    @Override
    public List<String> labels(Split split) {
        return labels.get(split);
    }
}
