package org.inlier.runtime.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A linear probe: logistic regression trained once on frozen embeddings of labelled training
 * sentences, then scored on the embeddings of test sentences — the floating-point model's and a
 * quantized model's alike, so the accuracy drop is what quantization costs on that task.
 *
 * <p>Each feature is standardised with the training embeddings' mean and standard deviation
 * (floored at {@value #MIN_STD}) before the regression, so one penalty {@code λ} fits every model.
 * A test label the training data never had counts as a miss.
 */
public final class LinearProbe {

    /** Default L2 penalty λ on the standardised features. */
    public static final double DEFAULT_L2 = 1e-2;
    /** Default cap on L-BFGS iterations. */
    public static final int DEFAULT_ITERATIONS = 300;
    private static final double TOLERANCE = 1e-6;
    private static final double MIN_STD = 1e-8;

    private final List<String> classes;
    private final Map<String, Integer> index = new HashMap<>();
    private final double[] mean;
    private final double[] std;
    private final LogisticRegression regression;
    private final double trainAccuracy;

    private LinearProbe(List<String> classes, double[] mean, double[] std, LogisticRegression regression, double trainAccuracy) {
        this.classes = classes;
        for (int i = 0; i < classes.size(); i++) {
            index.put(classes.get(i), i);
        }
        this.mean = mean;
        this.std = std;
        this.regression = regression;
        this.trainAccuracy = trainAccuracy;
    }

    /**
     * Trains the probe.
     *
     * @param embeddings {@code (n, D)} frozen embeddings of the training sentences
     * @param labels     each sentence's class
     * @param l2         λ on the standardised features
     * @param iterations L-BFGS iterations at most
     */
    public static LinearProbe train(double[][] embeddings, List<String> labels, double l2, int iterations) {
        if (embeddings.length != labels.size() || embeddings.length == 0) {
            throw new IllegalArgumentException("need one label per embedding and at least one: " + embeddings.length + " embeddings, "
                    + labels.size() + " labels");
        }
        List<String> classes = List.copyOf(new TreeSet<>(labels));
        int d = embeddings[0].length;
        double[] mean = new double[d];
        double[] std = new double[d];
        for (double[] row : embeddings) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / embeddings.length;
            }
        }
        for (double[] row : embeddings) {
            for (int j = 0; j < d; j++) {
                std[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / embeddings.length;
            }
        }
        for (int j = 0; j < d; j++) {
            std[j] = Math.max(Math.sqrt(std[j]), MIN_STD);
        }
        LinearProbe unfitted = new LinearProbe(classes, mean, std, null, Double.NaN);
        double[][] x = unfitted.standardise(embeddings);
        int[] y = labels.stream().mapToInt(unfitted.index::get).toArray();
        LogisticRegression regression = LogisticRegression.fit(x, y, classes.size(), l2, iterations, TOLERANCE);
        return new LinearProbe(classes, mean, std, regression, regression.accuracy(x, y));
    }

    /** The share of sentences whose predicted class is their label. */
    public double accuracy(double[][] embeddings, List<String> labels) {
        if (embeddings.length != labels.size() || embeddings.length == 0) {
            throw new IllegalArgumentException("need one label per embedding and at least one: " + embeddings.length + " embeddings, "
                    + labels.size() + " labels");
        }
        int[] predicted = regression.predict(standardise(embeddings));
        int correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            correct += classes.get(predicted[i]).equals(labels.get(i)) ? 1 : 0;
        }
        return (double) correct / predicted.length;
    }

    /** The classes, sorted. */
    public List<String> classes() {
        return classes;
    }

    /** Accuracy on the training sentences. */
    public double trainAccuracy() {
        return trainAccuracy;
    }

    /** L-BFGS iterations the fit took. */
    public int iterations() {
        return regression.iterations();
    }

    /** The share of the most frequent training class among the labels: what always guessing it scores. */
    public static double majorityBaseline(List<String> trainLabels, List<String> labels) {
        Map<String, Integer> counts = new HashMap<>();
        trainLabels.forEach(l -> counts.merge(l, 1, Integer::sum));
        String majority = counts.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder()))).orElseThrow().getKey();
        return (double) labels.stream().filter(majority::equals).count() / labels.size();
    }

    private double[][] standardise(double[][] embeddings) {
        double[][] x = new double[embeddings.length][];
        for (int i = 0; i < x.length; i++) {
            if (embeddings[i].length != mean.length) {
                throw new IllegalArgumentException("embedding " + i + " has " + embeddings[i].length + " values, the probe takes " + mean.length);
            }
            x[i] = new double[mean.length];
            for (int j = 0; j < mean.length; j++) {
                x[i][j] = (embeddings[i][j] - mean[j]) / std[j];
            }
        }
        return x;
    }
}
