package org.inlier.runtime.metrics;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Multinomial logistic regression with an L2 penalty, fitted by L-BFGS, in double precision with
 * ND4J: {@code p(y | x) = softmax(x·W + b)}, minimising
 * {@code L(W, b) = −(1/n) Σ_i log p(y_i | x_i) + (λ/2)·‖W‖²} (the bias is not penalised).
 *
 * <p>The gradient is {@code ∂L/∂W = Xᵀ(P − Y)/n + λW} and {@code ∂L/∂b = mean_i(P − Y)}, with
 * {@code P} the predicted probabilities and {@code Y} the one-hot labels. With {@code λ > 0} the
 * objective is strictly convex, so L-BFGS (memory {@value #MEMORY}, backtracking line search with
 * the Armijo condition) finds its one minimum. The objective and gradient are ND4J matrix
 * operations; L-BFGS's vector bookkeeping is plain Java (a few thousand parameters).
 */
public final class LogisticRegression {

    /** Pairs of steps and gradient changes L-BFGS remembers. */
    static final int MEMORY = 10;
    private static final double ARMIJO = 1e-4;
    private static final int MAX_BACKTRACKS = 40;

    private final INDArray weights; // (D, K)
    private final INDArray bias;    // (1, K)
    private final int iterations;
    private final double loss;

    private LogisticRegression(INDArray weights, INDArray bias, int iterations, double loss) {
        this.weights = weights;
        this.bias = bias;
        this.iterations = iterations;
        this.loss = loss;
    }

    /**
     * The objective and its gradient at one point.
     *
     * @param loss     {@code L(W, b)}
     * @param weights  {@code ∂L/∂W}, {@code (D, K)}
     * @param bias     {@code ∂L/∂b}, {@code (1, K)}
     */
    public record Gradient(double loss, INDArray weights, INDArray bias) {
    }

    /**
     * Fits the model.
     *
     * @param x             {@code (n, D)} features
     * @param y             the class of each row, in {@code [0, classes)}
     * @param classes       the number of classes K
     * @param l2            λ, at least 0
     * @param maxIterations L-BFGS iterations at most
     * @param tolerance     stop once the largest gradient entry is below this
     */
    public static LogisticRegression fit(double[][] x, int[] y, int classes, double l2, int maxIterations, double tolerance) {
        return fit(x, y, classes, l2, maxIterations, tolerance, null);
    }

    /**
     * Fits the model starting from another model's parameters (a warm start, e.g. along a path of
     * decreasing penalties).
     *
     * @param start a model of the same shape, or {@code null} to start from zero weights
     */
    public static LogisticRegression fit(double[][] x, int[] y, int classes, double l2, int maxIterations, double tolerance,
                                         LogisticRegression start) {
        if (x.length == 0 || x.length != y.length) {
            throw new IllegalArgumentException("need as many labels as rows, and at least one row: " + x.length + " rows, " + y.length + " labels");
        }
        INDArray features = Nd4j.createFromArray(x).castTo(DataType.DOUBLE);
        INDArray targets = oneHot(y, classes);
        int d = (int) features.columns();
        // The objective is ND4J's (a few matrix products per evaluation); L-BFGS's own vector algebra on the
        // (D + 1)·K parameters is plain Java, which costs far less than one ND4J call per vector operation.
        double[] theta = new double[d * classes + classes];
        if (start != null) {
            if (start.weights.rows() != d || start.weights.columns() != classes) {
                throw new IllegalArgumentException("the start model has shape " + java.util.Arrays.toString(start.weights.shape())
                        + ", the data needs [" + d + ", " + classes + "]");
            }
            System.arraycopy(start.weights.reshape(-1).toDoubleVector(), 0, theta, 0, d * classes);
            System.arraycopy(start.bias.reshape(-1).toDoubleVector(), 0, theta, d * classes, classes);
        }
        Evaluation current = evaluate(theta, features, targets, l2, d, classes);
        Deque<double[][]> history = new ArrayDeque<>(); // {s, y, {ρ}}, newest first
        int iteration = 0;
        while (iteration < maxIterations && maxAbs(current.gradient()) >= tolerance) {
            double[] direction = twoLoop(current.gradient(), history);
            negate(direction);
            double slope = dot(direction, current.gradient());
            if (slope >= 0) { // not a descent direction (lost curvature information): restart from steepest descent
                history.clear();
                direction = current.gradient().clone();
                negate(direction);
                slope = dot(direction, current.gradient());
            }
            double step = history.isEmpty() ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
            double[] next = null;
            Evaluation candidate = null;
            for (int backtrack = 0; backtrack < MAX_BACKTRACKS; backtrack++) {
                next = axpy(theta, step, direction);
                candidate = evaluate(next, features, targets, l2, d, classes);
                if (candidate.loss() <= current.loss() + ARMIJO * step * slope) {
                    break;
                }
                step /= 2;
                candidate = null;
            }
            if (candidate == null) {
                break; // no decrease along the direction at double precision: converged as far as it goes
            }
            double[] s = new double[theta.length];
            double[] change = new double[theta.length];
            for (int i = 0; i < theta.length; i++) {
                s[i] = next[i] - theta[i];
                change[i] = candidate.gradient()[i] - current.gradient()[i];
            }
            double sy = dot(s, change);
            if (sy > 1e-12) {
                history.addFirst(new double[][] {s, change, {1 / sy}});
                if (history.size() > MEMORY) {
                    history.removeLast();
                }
            }
            theta = next;
            current = candidate;
            iteration++;
        }
        INDArray parameters = Nd4j.createFromArray(theta);
        return new LogisticRegression(weightsOf(parameters, d, classes), biasOf(parameters, d, classes), iteration, current.loss());
    }

    /** The objective and its gradient as one parameter vector (W row-major, then b). */
    private record Evaluation(double loss, double[] gradient) {
    }

    private static Evaluation evaluate(double[] theta, INDArray x, INDArray y, double l2, int d, int k) {
        Gradient g = objective(Nd4j.createFromArray(theta), x, y, l2, d, k);
        double[] gradient = new double[theta.length];
        System.arraycopy(g.weights().reshape(-1).toDoubleVector(), 0, gradient, 0, d * k);
        System.arraycopy(g.bias().reshape(-1).toDoubleVector(), 0, gradient, d * k, k);
        return new Evaluation(g.loss(), gradient);
    }

    /**
     * The objective and its gradient (public for the finite-difference test).
     *
     * @param weights {@code (D, K)}
     * @param bias    {@code (1, K)}
     * @param x       {@code (n, D)} features
     * @param y       the class of each row
     * @param l2      λ
     */
    public static Gradient objective(INDArray weights, INDArray bias, double[][] x, int[] y, double l2) {
        int d = (int) weights.rows();
        int k = (int) weights.columns();
        INDArray theta = Nd4j.concat(0, weights.castTo(DataType.DOUBLE).reshape(-1), bias.castTo(DataType.DOUBLE).reshape(-1));
        return objective(theta, Nd4j.createFromArray(x).castTo(DataType.DOUBLE), oneHot(y, k), l2, d, k);
    }

    private static Gradient objective(INDArray theta, INDArray x, INDArray y, double l2, int d, int k) {
        INDArray w = weightsOf(theta, d, k);
        INDArray b = biasOf(theta, d, k);
        INDArray logits = x.mmul(w).addiRowVector(b); // (n, K)
        INDArray shifted = logits.subiColumnVector(logits.max(1).reshape(-1, 1));
        INDArray logSumExp = Transforms.log(Transforms.exp(shifted, true).sum(1), false).reshape(-1, 1);
        INDArray logProbabilities = shifted.subiColumnVector(logSumExp);
        long n = x.rows();
        double loss = -logProbabilities.mul(y).sumNumber().doubleValue() / n + l2 / 2 * w.mul(w).sumNumber().doubleValue();
        INDArray residual = Transforms.exp(logProbabilities, false).subi(y); // P − Y
        INDArray gradW = x.transpose().mmul(residual).divi(n).addi(w.mul(l2));
        INDArray gradB = residual.mean(0).reshape(1, k);
        return new Gradient(loss, gradW, gradB);
    }

    /** L-BFGS's two-loop recursion: an approximation of H⁻¹·g from the remembered pairs (newest first). */
    private static double[] twoLoop(double[] grad, Deque<double[][]> history) {
        double[] q = grad.clone();
        double[] alphas = new double[history.size()];
        int i = 0;
        for (double[][] pair : history) {
            alphas[i] = pair[2][0] * dot(pair[0], q);
            axpyInPlace(q, -alphas[i], pair[1]);
            i++;
        }
        if (!history.isEmpty()) {
            double[][] newest = history.peekFirst();
            double gamma = dot(newest[0], newest[1]) / dot(newest[1], newest[1]);
            for (int j = 0; j < q.length; j++) {
                q[j] *= gamma;
            }
        }
        Iterator<double[][]> oldestFirst = history.descendingIterator();
        i = history.size() - 1;
        while (oldestFirst.hasNext()) {
            double[][] pair = oldestFirst.next();
            double beta = pair[2][0] * dot(pair[1], q);
            axpyInPlace(q, alphas[i] - beta, pair[0]);
            i--;
        }
        return q;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    /** {@code x + a·y} as a new vector. */
    private static double[] axpy(double[] x, double a, double[] y) {
        double[] out = x.clone();
        axpyInPlace(out, a, y);
        return out;
    }

    private static void axpyInPlace(double[] x, double a, double[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += a * y[i];
        }
    }

    private static void negate(double[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] = -x[i];
        }
    }

    private static double maxAbs(double[] x) {
        double max = 0;
        for (double v : x) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    private static INDArray weightsOf(INDArray theta, int d, int k) {
        return theta.get(NDArrayIndex.interval(0, (long) d * k)).reshape(d, k);
    }

    private static INDArray biasOf(INDArray theta, int d, int k) {
        return theta.get(NDArrayIndex.interval((long) d * k, (long) d * k + k)).reshape(1, k);
    }

    private static INDArray oneHot(int[] y, int classes) {
        INDArray targets = Nd4j.zeros(DataType.DOUBLE, y.length, classes);
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] >= classes) {
                throw new IllegalArgumentException("label " + y[i] + " of row " + i + " is outside [0, " + classes + ")");
            }
            targets.putScalar(i, y[i], 1.0);
        }
        return targets;
    }

    /** The class probabilities of each row, {@code (n, K)}. */
    public double[][] probabilities(double[][] x) {
        INDArray logits = Nd4j.createFromArray(x).castTo(DataType.DOUBLE).mmul(weights).addiRowVector(bias);
        INDArray shifted = logits.subColumnVector(logits.max(1).reshape(-1, 1));
        INDArray e = Transforms.exp(shifted, false);
        return e.diviColumnVector(e.sum(1).reshape(-1, 1)).toDoubleMatrix();
    }

    /** The most probable class of each row. */
    public int[] predict(double[][] x) {
        INDArray logits = Nd4j.createFromArray(x).castTo(DataType.DOUBLE).mmul(weights).addiRowVector(bias);
        return logits.argMax(1).toIntVector();
    }

    /** The share of rows whose most probable class is their label. */
    public double accuracy(double[][] x, int[] y) {
        int[] predicted = predict(x);
        int correct = 0;
        for (int i = 0; i < y.length; i++) {
            correct += predicted[i] == y[i] ? 1 : 0;
        }
        return (double) correct / y.length;
    }

    /** {@code W}, {@code (D, K)}. */
    public INDArray weights() {
        return weights.dup();
    }

    /** {@code b}, {@code (1, K)}. */
    public INDArray bias() {
        return bias.dup();
    }

    /** L-BFGS iterations taken. */
    public int iterations() {
        return iterations;
    }

    /** The objective at the solution. */
    public double loss() {
        return loss;
    }
}
