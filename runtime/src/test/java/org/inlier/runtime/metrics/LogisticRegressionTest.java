package org.inlier.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LogisticRegressionTest {

    @Test
    void atZeroWeightsTheLossIsLogKAndTheGradientIsByHand() {
        // x = +1 is class 0, x = −1 is class 1; at W = 0, b = 0 both classes get p = 1/2.
        double[][] x = {{1}, {-1}};
        int[] y = {0, 1};
        LogisticRegression.Gradient g = LogisticRegression.objective(Nd4j.zeros(DataType.DOUBLE, 1, 2), Nd4j.zeros(DataType.DOUBLE, 1, 2),
                x, y, 0.0);
        assertThat(g.loss()).isCloseTo(Math.log(2), within(1e-12));
        // ∂L/∂W = Xᵀ(P − Y)/n = ½·[1·(½ − 1, ½ − 0) + (−1)·(½ − 0, ½ − 1)] = (−½, ½); ∂L/∂b = mean(P − Y) = (0, 0).
        assertThat(g.weights().toDoubleVector()).containsExactly(new double[] {-0.5, 0.5}, within(1e-12));
        assertThat(g.bias().toDoubleVector()).containsExactly(new double[] {0, 0}, within(1e-12));
    }

    @Test
    void theGradientMatchesFiniteDifferences() {
        Random random = new Random(3);
        int n = 20;
        int d = 5;
        int k = 4;
        double[][] x = new double[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = random.nextGaussian();
            }
            y[i] = random.nextInt(k);
        }
        INDArray w = Nd4j.randn(DataType.DOUBLE, d, k).muli(0.5);
        INDArray b = Nd4j.randn(DataType.DOUBLE, 1, k).muli(0.5);
        double l2 = 0.3;
        LogisticRegression.Gradient analytic = LogisticRegression.objective(w, b, x, y, l2);
        double h = 1e-6;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < k; j++) {
                INDArray plus = w.dup();
                plus.putScalar(i, j, w.getDouble(i, j) + h);
                INDArray minus = w.dup();
                minus.putScalar(i, j, w.getDouble(i, j) - h);
                double numeric = (LogisticRegression.objective(plus, b, x, y, l2).loss() - LogisticRegression.objective(minus, b, x, y, l2).loss()) / (2 * h);
                assertThat(analytic.weights().getDouble(i, j)).as("dL/dW[%d][%d]", i, j).isCloseTo(numeric, within(1e-7));
            }
        }
        for (int j = 0; j < k; j++) {
            INDArray plus = b.dup();
            plus.putScalar(0, j, b.getDouble(0, j) + h);
            INDArray minus = b.dup();
            minus.putScalar(0, j, b.getDouble(0, j) - h);
            double numeric = (LogisticRegression.objective(w, plus, x, y, l2).loss() - LogisticRegression.objective(w, minus, x, y, l2).loss()) / (2 * h);
            assertThat(analytic.bias().getDouble(0, j)).as("dL/db[%d]", j).isCloseTo(numeric, within(1e-7));
        }
    }

    @Test
    void aSeparableProblemIsSolved() {
        // Three classes on a line: x < −1 is class 0, |x| < 1 class 1, x > 1 class 2 — separable only with three classes.
        double[][] x = {{-3}, {-2.5}, {-2}, {-0.5}, {0}, {0.5}, {2}, {2.5}, {3}};
        int[] y = {0, 0, 0, 1, 1, 1, 2, 2, 2};
        LogisticRegression model = LogisticRegression.fit(x, y, 3, 1e-3, 500, 1e-8);
        assertThat(model.predict(x)).containsExactly(y);
        assertThat(model.accuracy(x, y)).isEqualTo(1.0);
        assertThat(model.predict(new double[][] {{-10}, {0.1}, {10}})).containsExactly(0, 1, 2);
        assertThat(model.probabilities(new double[][] {{-3}})[0][0]).isGreaterThan(0.9);
        // The middle class's region is symmetric: the boundary weights mirror each other.
        double[] w = model.weights().toDoubleVector();
        assertThat(w[0]).isCloseTo(-w[2], within(1e-3));
    }

    @Test
    void lbfgsReachesTheMinimumOfAPenalisedProblem() {
        Random random = new Random(7);
        double[][] x = new double[60][3];
        int[] y = new int[60];
        for (int i = 0; i < x.length; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 3; j++) {
                x[i][j] = random.nextGaussian() + (j == y[i] ? 1.5 : 0);
            }
        }
        LogisticRegression model = LogisticRegression.fit(x, y, 3, 0.1, 500, 1e-9);
        LogisticRegression.Gradient g = LogisticRegression.objective(model.weights(), model.bias(), x, y, 0.1);
        assertThat(g.weights().amaxNumber().doubleValue()).isLessThan(1e-8);
        assertThat(g.bias().amaxNumber().doubleValue()).isLessThan(1e-8);
        assertThat(model.iterations()).isLessThan(100);
        assertThat(model.accuracy(x, y)).isGreaterThan(0.7);
    }

    @Test
    void theProbeStandardisesAndNamesItsClasses() {
        // Genre "b" sits at a huge offset in one dimension: standardisation makes it one unit like any other.
        double[][] train = {{1e6, 0}, {1e6 + 1, 1}, {1e6 + 10, 0}, {1e6 + 11, 1}};
        List<String> labels = List.of("a", "a", "b", "b");
        LinearProbe probe = LinearProbe.train(train, labels, 1e-3, 300);
        assertThat(probe.classes()).containsExactly("a", "b");
        assertThat(probe.trainAccuracy()).isEqualTo(1.0);
        assertThat(probe.accuracy(new double[][] {{1e6 + 0.5, 0}, {1e6 + 10.5, 1}}, List.of("a", "b"))).isEqualTo(1.0);
        assertThat(probe.accuracy(new double[][] {{1e6 + 0.5, 0}}, List.of("c"))).as("an unseen class is a miss").isZero();
        assertThat(LinearProbe.majorityBaseline(List.of("a", "b", "b"), List.of("a", "b", "b", "b"))).isEqualTo(0.75);
    }

    @Test
    void thePenaltyIsChosenOnValidationData() {
        // Few noisy training points in many useless dimensions, so the penalties differ on held-out data.
        Random random = new Random(11);
        int d = 40;
        double[][] train = new double[30][d];
        double[][] valid = new double[200][d];
        List<String> trainLabels = new java.util.ArrayList<>();
        List<String> validLabels = new java.util.ArrayList<>();
        for (double[][] set : List.of(train, valid)) {
            List<String> labels = set == train ? trainLabels : validLabels;
            for (double[] row : set) {
                boolean b = random.nextBoolean();
                labels.add(b ? "b" : "a");
                for (int j = 0; j < d; j++) {
                    row[j] = random.nextGaussian() + (j == 0 && b ? 1.0 : 0);
                }
            }
        }
        LinearProbe chosen = LinearProbe.select(train, trainLabels, valid, validLabels, LinearProbe.L2_GRID, 300);
        double best = LinearProbe.L2_GRID.stream().mapToDouble(l2 -> LinearProbe.train(train, trainLabels, l2, 300).accuracy(valid, validLabels))
                .max().orElseThrow();
        assertThat(chosen.accuracy(valid, validLabels)).isEqualTo(best);
    }
}
