package org.inlier.plugins.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.inlier.api.data.DataContext;
import org.inlier.api.data.DataUnavailableException;
import org.inlier.api.data.Dataset;
import org.inlier.api.data.Split;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;

/**
 * Fashion-MNIST ({@code fashion-mnist}): 70,000 grayscale 28×28 images of 10 kinds of clothing
 * (Xiao, Rasul, Vollgraf 2017; MIT licence), read from the Debian package
 * {@code dataset-fashion-mnist} ({@value #DEFAULT_DIR}), which is installed with {@code apt-get} on first use
 * when its folder lacks the files (option {@code install}).
 *
 * <p><b>Splits.</b> TEST is the 10,000 images of {@code t10k-*}. VALID is the <em>last</em>
 * {@code valid} images (default 5,000) of the 60,000 in {@code train-*}, TRAIN the ones before
 * them (55,000): the training file is already shuffled, so its tail holds every class in about
 * equal numbers (counted on the real file: 450–527 per class for the default 5,000).
 *
 * <p>Images are kept as stored, pixels 0–255; normalisation and augmentation happen per batch in
 * the image model family ({@code vit}), which is where a step's randomness is available.
 */
public final class FashionMnist implements Dataset {

    /** The id pipeline files use. */
    public static final String ID = "fashion-mnist";

    /** Where the Debian package puts the files. */
    public static final String DEFAULT_DIR = "/usr/share/datasets/fashion-mnist";

    /** The Debian package that provides the files. */
    static final String PACKAGE = "dataset-fashion-mnist";

    /** Class names in label order, as the data set's authors list them. */
    static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
            "Sneaker", "Bag", "Ankle-boot");

    /** The four IDX files, each read as {@code <name>.gz} or unpacked. */
    private static final List<String> FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    private final DebianPackage debianPackage;
    private final Path packageDir;

    /** The data set as the Debian package installs it on this machine. */
    public FashionMnist() {
        this(DebianPackage.named(PACKAGE), Path.of(DEFAULT_DIR));
    }

    /** The data set from {@code debianPackage}, which puts its files in {@code packageDir}. */
    FashionMnist(DebianPackage debianPackage, Path packageDir) {
        this.debianPackage = debianPackage;
        this.packageDir = packageDir;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Fashion-MNIST: 28x28 grayscale clothing images, 10 classes (Debian package " + PACKAGE + ")";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.string("dir", DEFAULT_DIR, "folder holding the four *-ubyte.gz files"),
                OptionSpec.bool("install", true, "install the Debian package " + PACKAGE + " (apt-get) when 'dir' is its"
                        + " folder and lacks the files"),
                OptionSpec.integer("valid", 5000, 1, 59_999, "images at the end of the training file held out as the valid split"));
    }

    @Override
    public LabelledImages load(Options options, DataContext context) {
        Path dir = Path.of(options.getString("dir"));
        if (options.getBoolean("install") && dir.equals(packageDir) && FILES.stream().anyMatch(name -> locate(dir, name) == null)) {
            debianPackage.install(context.log());
        }
        IdxFile trainImages = read(dir, FILES.get(0));
        IdxFile trainLabels = read(dir, FILES.get(1));
        IdxFile testImages = read(dir, FILES.get(2));
        IdxFile testLabels = read(dir, FILES.get(3));
        int valid = options.getInt("valid");
        if (valid >= trainLabels.count()) {
            throw new IllegalArgumentException(ID + ": valid = " + valid + " leaves no training images of " + trainLabels.count());
        }
        LabelledImages images = of(trainImages, trainLabels, testImages, testLabels, valid);
        context.log().accept(ID + ": " + images.description());
        return images;
    }

    /**
     * The corpus of IDX arrays: the last {@code valid} training images become the valid split.
     *
     * @throws DataUnavailableException if the arrays do not fit together (image sizes, label counts, label values)
     */
    static LabelledImages of(IdxFile trainImages, IdxFile trainLabels, IdxFile testImages, IdxFile testLabels, int valid) {
        int rows = requireImages(trainImages, trainLabels, "train");
        requireImages(testImages, testLabels, "t10k");
        if (testImages.dims()[1] != rows || testImages.dims()[2] != trainImages.dims()[2]) {
            throw new DataUnavailableException(ID + ": train images are " + rows + "x" + trainImages.dims()[2]
                    + " but t10k images are " + testImages.dims()[1] + "x" + testImages.dims()[2]);
        }
        int cols = trainImages.dims()[2];
        int pixels = rows * cols;
        int train = trainLabels.count() - valid;
        Map<Split, LabelledImages.Part> parts = new EnumMap<>(Split.class);
        parts.put(Split.TRAIN, new LabelledImages.Part(Arrays.copyOfRange(trainImages.data(), 0, train * pixels),
                Arrays.copyOfRange(trainLabels.data(), 0, train)));
        parts.put(Split.VALID, new LabelledImages.Part(Arrays.copyOfRange(trainImages.data(), train * pixels, trainImages.data().length),
                Arrays.copyOfRange(trainLabels.data(), train, trainLabels.count())));
        parts.put(Split.TEST, new LabelledImages.Part(testImages.data(), testLabels.data()));
        return new LabelledImages("Fashion-MNIST", new ClassNames(CLASSES), rows, cols, parts);
    }

    /** Checks that images are {@code (N, rows, cols)} with N labels below the class count; returns rows. */
    private static int requireImages(IdxFile images, IdxFile labels, String prefix) {
        if (images.dims().length != 3 || labels.dims().length != 1) {
            throw new DataUnavailableException(ID + ": " + prefix + " images must have 3 dimensions and labels 1, got "
                    + Arrays.toString(images.dims()) + " and " + Arrays.toString(labels.dims()));
        }
        if (images.count() != labels.count()) {
            throw new DataUnavailableException(ID + ": " + prefix + " has " + images.count() + " images but " + labels.count() + " labels");
        }
        for (byte label : labels.data()) {
            if ((label & 0xFF) >= CLASSES.size()) {
                throw new DataUnavailableException(ID + ": " + prefix + " labels hold " + (label & 0xFF)
                        + ", not one of the " + CLASSES.size() + " classes");
            }
        }
        return images.dims()[1];
    }

    /** {@code <name>.gz}, or {@code <name>} unpacked, in the folder; null when neither is there. */
    private static Path locate(Path dir, String name) {
        Path gzipped = dir.resolve(name + ".gz");
        if (Files.isRegularFile(gzipped)) {
            return gzipped;
        }
        Path unpacked = dir.resolve(name);
        return Files.isRegularFile(unpacked) ? unpacked : null;
    }

    private IdxFile read(Path dir, String name) {
        Path file = locate(dir, name);
        if (file == null) {
            throw new DataUnavailableException("Fashion-MNIST file " + dir.resolve(name + ".gz") + " is missing. Install the"
                    + " Debian package " + PACKAGE + " (" + debianPackage.manualInstallCommand() + ") or set the data set's"
                    + " option 'dir' to a folder holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,"
                    + " t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.");
        }
        try {
            return IdxFile.read(file);
        } catch (IOException e) {
            throw new DataUnavailableException("Could not read Fashion-MNIST file " + file + ": " + e.getMessage(), e);
        }
    }
}
