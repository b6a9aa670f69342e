package org.inlier.runtime.metrics;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Multinomial logistic regression with an L2 penalty, fitted by L-BFGS, in double precision with
 * ND4J: {@code p(y | x) = softmax(x·W + b)}, minimising
 * {@code L(W, b) = −(1/n) Σ_i log p(y_i | x_i) + (λ/2)·‖W‖²} (the bias is not penalised).
 *
 * <p>The gradient is {@code ∂L/∂W = Xᵀ(P − Y)/n + λW} and {@code ∂L/∂b = mean_i(P − Y)}, with
 * {@code P} the predicted probabilities and {@code Y} the one-hot labels. With {@code λ > 0} the
 * objective is strictly convex, so L-BFGS (memory {@value #MEMORY}, backtracking line search with
 * the Armijo condition) finds its one minimum.
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
        if (x.length == 0 || x.length != y.length) {
            throw new IllegalArgumentException("need as many labels as rows, and at least one row: " + x.length + " rows, " + y.length + " labels");
        }
        INDArray features = Nd4j.createFromArray(x).castTo(DataType.DOUBLE);
        INDArray targets = oneHot(y, classes);
        int d = (int) features.columns();
        INDArray theta = Nd4j.zeros(DataType.DOUBLE, (long) d * classes + classes);
        Gradient g = objective(theta, features, targets, l2, d, classes);
        INDArray grad = flat(g);
        double f = g.loss();
        Deque<INDArray[]> history = new ArrayDeque<>(); // {s, y, ρ}
        int iteration = 0;
        while (iteration < maxIterations && grad.amaxNumber().doubleValue() >= tolerance) {
            INDArray direction = twoLoop(grad, history).negi();
            double slope = direction.mul(grad).sumNumber().doubleValue();
            if (slope >= 0) { // not a descent direction (lost curvature information): restart from steepest descent
                history.clear();
                direction = grad.neg();
                slope = -grad.mul(grad).sumNumber().doubleValue();
            }
            double step = history.isEmpty() ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
            INDArray next = null;
            Gradient nextG = null;
            for (int backtrack = 0; backtrack < MAX_BACKTRACKS; backtrack++) {
                next = theta.add(direction.mul(step));
                nextG = objective(next, features, targets, l2, d, classes);
                if (nextG.loss() <= f + ARMIJO * step * slope) {
                    break;
                }
                step /= 2;
                nextG = null;
            }
            if (nextG == null) {
                break; // no decrease along the direction at float precision: converged as far as it goes
            }
            INDArray nextGrad = flat(nextG);
            INDArray s = next.sub(theta);
            INDArray change = nextGrad.sub(grad);
            double sy = s.mul(change).sumNumber().doubleValue();
            if (sy > 1e-12) {
                history.addFirst(new INDArray[] {s, change, Nd4j.scalar(1 / sy)});
                if (history.size() > MEMORY) {
                    history.removeLast();
                }
            }
            theta = next;
            grad = nextGrad;
            f = nextG.loss();
            iteration++;
        }
        return new LogisticRegression(weightsOf(theta, d, classes), biasOf(theta, d, classes), iteration, f);
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
        INDArray shifted = logits.subColumnVector(logits.max(1).reshape(-1, 1));
        INDArray logSumExp = Transforms.log(Transforms.exp(shifted, true).sum(1), false).reshape(-1, 1);
        INDArray logProbabilities = shifted.subColumnVector(logSumExp);
        long n = x.rows();
        double loss = -logProbabilities.mul(y).sumNumber().doubleValue() / n + l2 / 2 * w.mul(w).sumNumber().doubleValue();
        INDArray residual = Transforms.exp(logProbabilities, true).subi(y); // P − Y
        INDArray gradW = x.transpose().mmul(residual).divi(n).addi(w.mul(l2));
        INDArray gradB = residual.mean(0).reshape(1, k);
        return new Gradient(loss, gradW, gradB);
    }

    /** L-BFGS's two-loop recursion: an approximation of H⁻¹·g from the remembered pairs (newest first). */
    private static INDArray twoLoop(INDArray grad, Deque<INDArray[]> history) {
        INDArray q = grad.dup();
        double[] alphas = new double[history.size()];
        int i = 0;
        for (INDArray[] pair : history) {
            double rho = pair[2].getDouble(0);
            alphas[i] = rho * pair[0].mul(q).sumNumber().doubleValue();
            q.subi(pair[1].mul(alphas[i]));
            i++;
        }
        if (!history.isEmpty()) {
            INDArray[] newest = history.peekFirst();
            double gamma = newest[0].mul(newest[1]).sumNumber().doubleValue() / newest[1].mul(newest[1]).sumNumber().doubleValue();
            q.muli(gamma);
        }
        Iterator<INDArray[]> oldestFirst = history.descendingIterator();
        i = history.size() - 1;
        while (oldestFirst.hasNext()) {
            INDArray[] pair = oldestFirst.next();
            double rho = pair[2].getDouble(0);
            double beta = rho * pair[1].mul(q).sumNumber().doubleValue();
            q.addi(pair[0].mul(alphas[i] - beta));
            i--;
        }
        return q;
    }

    private static INDArray flat(Gradient g) {
        return Nd4j.concat(0, g.weights().reshape(-1), g.bias().reshape(-1));
    }

    private static INDArray weightsOf(INDArray theta, int d, int k) {
        return theta.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, (long) d * k)).reshape(d, k);
    }

    private static INDArray biasOf(INDArray theta, int d, int k) {
        return theta.get(org.nd4j.linalg.indexing.NDArrayIndex.interval((long) d * k, (long) d * k + k)).reshape(1, k);
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
