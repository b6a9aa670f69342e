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

    /** The L2 penalties λ (on the standardised features) {@link #select} tries. */
    public static final List<Double> L2_GRID = List.of(1e-3, 1e-2, 1e-1, 1.0, 10.0);
    /** Default cap on L-BFGS iterations. */
    public static final int DEFAULT_ITERATIONS = 200;
    /** Fits stop once no gradient entry exceeds this: far below what changes a prediction. */
    private static final double TOLERANCE = 1e-5;
    private static final double MIN_STD = 1e-8;

    private final List<String> classes;
    private final Map<String, Integer> index = new HashMap<>();
    private final double[] mean;
    private final double[] std;
    private final LogisticRegression regression;
    private final double trainAccuracy;
    private final double l2;

    private LinearProbe(List<String> classes, double[] mean, double[] std, LogisticRegression regression, double trainAccuracy, double l2) {
        this.classes = classes;
        for (int i = 0; i < classes.size(); i++) {
            index.put(classes.get(i), i);
        }
        this.mean = mean;
        this.std = std;
        this.regression = regression;
        this.trainAccuracy = trainAccuracy;
        this.l2 = l2;
    }

    /**
     * A probe whose penalty is chosen on held-out data: one probe per λ of the grid, trained on
     * the training embeddings from the largest λ down, each fit starting from the previous
     * solution; the one most accurate on the validation embeddings wins (the larger λ on a tie).
     *
     * @param grid the penalties to try
     */
    public static LinearProbe select(double[][] train, List<String> trainLabels, double[][] valid, List<String> validLabels,
                                     List<Double> grid, int iterations) {
        LinearProbe best = null;
        double bestAccuracy = -1;
        LinearProbe previous = null;
        for (double l2 : grid.stream().sorted(java.util.Comparator.reverseOrder()).toList()) {
            LinearProbe probe = train(train, trainLabels, l2, iterations, previous);
            previous = probe;
            double accuracy = probe.accuracy(valid, validLabels);
            if (accuracy > bestAccuracy) {
                best = probe;
                bestAccuracy = accuracy;
            }
        }
        return best;
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
        return train(embeddings, labels, l2, iterations, null);
    }

    /** {@link #train(double[][], List, double, int)} starting from another probe of the same data (a warm start). */
    private static LinearProbe train(double[][] embeddings, List<String> labels, double l2, int iterations, LinearProbe start) {
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
        LinearProbe unfitted = new LinearProbe(classes, mean, std, null, Double.NaN, l2);
        double[][] x = unfitted.standardise(embeddings);
        int[] y = labels.stream().mapToInt(unfitted.index::get).toArray();
        LogisticRegression regression = LogisticRegression.fit(x, y, classes.size(), l2, iterations, TOLERANCE,
                start == null ? null : start.regression);
        return new LinearProbe(classes, mean, std, regression, regression.accuracy(x, y), l2);
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

    /** The L2 penalty λ the probe was trained with. */
    public double l2() {
        return l2;
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
