package org.inlier.plugins.datasets;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import org.inlier.api.data.Corpus;
import org.inlier.api.data.Split;

/**
 * A labelled image data set as a corpus of fixed blocks, one image each:
 * {@code [label, pixel(0,0), pixel(0,1), …, pixel(rows−1, cols−1)]}, pixels as stored (0–255),
 * row-major. Image model families turn the blocks into normalised pixels and labels.
 *
 * <p>Splits keep their images as bytes and widen them to ints only when asked.
 */
public final class LabelledImages implements Corpus {

    /** The images and labels of one split: {@code count × rows × cols} pixels and {@code count} labels. */
    record Part(byte[] pixels, byte[] labels) {
        Part {
            Objects.requireNonNull(pixels, "pixels");
            Objects.requireNonNull(labels, "labels");
        }
    }

    private final String description;
    private final ClassNames classes;
    private final int rows;
    private final int cols;
    private final Map<Split, Part> parts;

    /**
     * @param source  what the images are, for the description
     * @param classes the class names
     * @param rows    image height
     * @param cols    image width
     * @param parts   every split's images and labels
     * @throws IllegalArgumentException if a split is missing or its pixel count is not labels × rows × cols
     */
    LabelledImages(String source, ClassNames classes, int rows, int cols, Map<Split, Part> parts) {
        this.classes = classes;
        this.rows = rows;
        this.cols = cols;
        this.parts = new EnumMap<>(parts);
        for (Split split : Split.values()) {
            Part part = parts.get(split);
            if (part == null) {
                throw new IllegalArgumentException("no images for split " + split);
            }
            if (part.pixels().length != (long) part.labels().length * rows * cols) {
                throw new IllegalArgumentException(split + ": " + part.pixels().length + " pixels are not "
                        + part.labels().length + " images of " + rows + "x" + cols);
            }
        }
        this.description = source + ": " + images(Split.TRAIN) + " / " + images(Split.VALID) + " / " + images(Split.TEST)
                + " train / valid / test images of " + rows + "x" + cols + ", " + classes.vocabSize() + " classes";
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public ClassNames tokenizer() {
        return classes;
    }

    /** The number of images in a split. */
    public int images(Split split) {
        return parts.get(split).labels().length;
    }

    /** Every image of the split as a block {@code [label, pixels…]}, one after the other. */
    @Override
    public int[] tokens(Split split) {
        Part part = parts.get(split);
        int pixels = rows * cols;
        int[] blocks = new int[part.labels().length * blockLength()];
        for (int image = 0; image < part.labels().length; image++) {
            int at = image * blockLength();
            blocks[at] = part.labels()[image] & 0xFF;
            for (int p = 0; p < pixels; p++) {
                blocks[at + 1 + p] = part.pixels()[image * pixels + p] & 0xFF;
            }
        }
        return blocks;
    }

    /** One label and {@code rows × cols} pixels. */
    @Override
    public int blockLength() {
        return 1 + rows * cols;
    }
}
