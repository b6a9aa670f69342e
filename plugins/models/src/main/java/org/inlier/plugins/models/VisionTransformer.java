package org.inlier.plugins.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.inlier.api.model.ModelFamily;
import org.inlier.api.model.ModelGraph;
import org.inlier.api.model.ModelSpec;
import org.inlier.api.model.PatchGrid;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteKind;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A ViT-style image classifier ({@code vit}, Dosovitskiy et al. 2021): square grayscale images cut
 * into {@code patch × patch} patches, each projected to the model width, a learned class token in
 * front, learned position embeddings, bidirectional pre-LN blocks with the configured attention
 * variant, a final LayerNorm, and a linear head on the class token, trained with cross-entropy.
 *
 * <p>Input: blocks {@code [label, pixels…]} of a labelled-image corpus (pixels 0–255, row-major).
 * Pixels are normalised with the Fashion-MNIST training mean and standard deviation. Training
 * batches are augmented: a random crop of the image padded by {@code crop_padding} background
 * pixels on every side (a shift of up to that many pixels), and a horizontal flip with probability ½.
 *
 * <p>Sites: {@code embed.sum} (patch embedding + class token + position), the blocks' sites as in
 * {@link DecoderClm} ({@code layer.i.ln1.in/out}, {@code .attn.q/k/v/scores/probs/context/out},
 * {@code .attn.residual}, {@code .ln2.out}, {@code .ffn.hidden/out}, {@code .ffn.residual}),
 * {@code final_ln.out}, {@code head.logits}; weights {@code embed.patch.weight},
 * {@code embed.class.weight}, {@code embed.position.weight} and every linear's weight.
 */
public final class VisionTransformer implements ModelFamily {

    static final String PATCHES = "patches";
    static final String LABELS = "labels";

    /** Fashion-MNIST training-set pixel mean and standard deviation, on the 0–1 scale (computed from the 60,000 training images). */
    static final double PIXEL_MEAN = 0.2860;
    static final double PIXEL_STD = 0.3530;

    @Override
    public String id() {
        return "vit";
    }

    @Override
    public String description() {
        return "vision transformer (ViT, pre-LN) classifying square grayscale images from patches and a class token";
    }

    @Override
    public List<OptionSpec> options() {
        // The sequence length follows from image and patch, so the shared `seq` option is not offered.
        return Stream.concat(TransformerShape.OPTIONS.stream().filter(o -> !o.name().equals("seq")), Stream.of(
                OptionSpec.integer("image", 28, 2, 1024, "image side in pixels (square images)"),
                OptionSpec.integer("patch", 4, 1, 1024, "patch side in pixels (must divide image)"),
                OptionSpec.integer("crop_padding", 2, 0, 64, "training augmentation: random shift by up to this many pixels (0 = off)"),
                OptionSpec.bool("flip", true, "training augmentation: horizontal flip with probability 1/2"))).toList();
    }

    /** One class token and one token per patch. */
    @Override
    public int sequenceLength(Options options) {
        return new ImagePatches(options.getInt("image"), options.getInt("patch")).tokens();
    }

    /** Token 0 is the class token, then the patches row-major: what {@link PatchGrid} describes. */
    @Override
    public Optional<PatchGrid> patchGrid(Options options) {
        return Optional.of(new ImagePatches(options.getInt("image"), options.getInt("patch")).layout());
    }

    @Override
    public ModelGraph build(ModelSpec spec) {
        Options o = spec.options();
        ImagePatches patching = new ImagePatches(o.getInt("image"), o.getInt("patch"));
        int classes = spec.vocabSize();
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, the data set has " + classes);
        }
        TransformerShape shape = new TransformerShape(o.getInt("layers"), o.getInt("hidden"), o.getInt("heads"), o.getInt("ffn"),
                patching.tokens(), o.getDouble("dropout"));
        SameDiff sd = SameDiff.create();
        TransformerLayers blocks = new TransformerLayers(sd, spec, shape);
        int t = patching.tokens();

        SDVariable patches = sd.placeHolder(PATCHES, DataType.FLOAT, -1, t, patching.pixelsPerPatch());
        SDVariable labels = sd.placeHolder(LABELS, DataType.FLOAT, -1, classes);

        // Position 0 holds an all-zero patch; the class token is added there only.
        SDVariable classToken = spec.sites().weight(QuantizationSite.weight("embed.class.weight", -1, 1),
                blocks.weight("embed.class.weight", 1, shape.hidden()));
        SDVariable atClassPosition = sd.constant("embed.class.position", Nd4j.zeros(DataType.FLOAT, t, 1).putScalar(0, 0, 1.0));
        SDVariable x = blocks.linear("embed.patch", patches, patching.pixelsPerPatch(), shape.hidden(), -1) // (B, T, D)
                .add(sd.mmul(atClassPosition, classToken)) // (T, D)
                .add(blocks.positionEmbedding("embed.position"));
        x = blocks.activation("embed.sum", SiteKind.EMBEDDING_SUM, -1, blocks.dropout(x));

        for (int i = 0; i < shape.layers(); i++) {
            x = blocks.preLnBlock(i, x, false);
        }

        SDVariable finalNorm = blocks.layerNorm("final_ln", x, -1, false);
        blocks.linkNorm("final_ln", List.of("head"), null);
        // The head runs on every token (it is tiny) so the shared linear applies; only the class token's logits count.
        SDVariable allLogits = blocks.linear("head", finalNorm, shape.hidden(), classes, -1); // (B, T, C)
        SDVariable logits = blocks.activation("head.logits", SiteKind.HEAD_OUTPUT, -1,
                allLogits.get(SDIndex.all(), SDIndex.point(0), SDIndex.all())); // (B, C)

        // Over the last axis: logSoftmax's dimension overload fails in backprop (ND4J 1.0.0-M2.1).
        sd.nn.logSoftmax(logits).mul(labels).sum(1).mean().neg().rename("loss");
        sd.eq(sd.argmax(logits, 1), sd.argmax(labels, 1)).castTo(DataType.FLOAT).mean().rename(ModelGraph.ACCURACY);
        // Named explicitly: with accuracy as a second output, SameDiff cannot infer which one to minimise.
        sd.setLossVariables("loss");

        return new ModelGraph(sd, List.of(PATCHES, LABELS), "loss", logits.name(), blocks.norms());
    }

    /**
     * Patches and one-hot labels of a batch of labelled-image blocks, augmented when training.
     *
     * @throws IllegalArgumentException if a block is not {@code 1 + image²} values long or its label is not a class
     */
    @Override
    public Map<String, INDArray> batch(int[][] windows, Options options, int vocabSize, boolean training, Random random) {
        int side = options.getInt("image");
        ImagePatches patching = new ImagePatches(side, options.getInt("patch"));
        int padding = training ? options.getInt("crop_padding") : 0;
        boolean flip = training && options.getBoolean("flip");
        float[] patches = new float[windows.length * patching.tokens() * patching.pixelsPerPatch()];
        float[] labels = new float[windows.length * vocabSize];
        List<String> problems = new ArrayList<>();
        for (int b = 0; b < windows.length; b++) {
            int[] block = windows[b];
            if (block.length != 1 + side * side) {
                throw new IllegalArgumentException("block " + b + " has " + block.length + " values, expected a label and "
                        + side + "x" + side + " pixels = " + (1 + side * side) + " (does the model's image size match the data set?)");
            }
            if (block[0] < 0 || block[0] >= vocabSize) {
                problems.add("block " + b + " has label " + block[0]);
            } else {
                labels[b * vocabSize + block[0]] = 1;
            }
            float[] image = normalised(block, side);
            int dy = padding == 0 ? 0 : random.nextInt(2 * padding + 1) - padding;
            int dx = padding == 0 ? 0 : random.nextInt(2 * padding + 1) - padding;
            patching.write(ImagePatches.shifted(image, side, dy, dx, background()), flip && random.nextBoolean(),
                    patches, b * patching.tokens() * patching.pixelsPerPatch());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("labels must be in [0, " + vocabSize + "): " + problems);
        }
        return Map.of(PATCHES, Nd4j.create(patches, new long[] {windows.length, patching.tokens(), patching.pixelsPerPatch()}, 'c'),
                LABELS, Nd4j.create(labels, new long[] {windows.length, vocabSize}, 'c'));
    }

    /** The pixels after the label, scaled to 0–1 and standardised. */
    private static float[] normalised(int[] block, int side) {
        float[] image = new float[side * side];
        for (int p = 0; p < image.length; p++) {
            image[p] = (float) ((block[1 + p] / 255.0 - PIXEL_MEAN) / PIXEL_STD);
        }
        return image;
    }

    /** A black pixel, normalised: what a shift brings in from outside the image. */
    private static float background() {
        return (float) (-PIXEL_MEAN / PIXEL_STD);
    }
}
