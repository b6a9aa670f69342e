package org.inlier.runtime.metrics;

import java.util.function.IntPredicate;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per head, the attention mass that lands on the first token and on delimiter tokens: heads
 * that park most of their mass there are the "no-op" heads the papers blame for outliers.
 * Masses are averaged over batches and query positions.
 */
public final class AttentionSinks {

    private final IntPredicate delimiter;
    private double[] firstMass;
    private double[] delimiterMass;
    private long delimiterKeys;
    private long keys;
    private long rows;

    /** @param delimiter which token ids are delimiters (spaces and punctuation for a character tokenizer) */
    public AttentionSinks(IntPredicate delimiter) {
        this.delimiter = delimiter;
    }

    /**
     * Adds a batch of attention probabilities.
     *
     * @param probs  {@code (B, H, T, T)}
     * @param tokens the key tokens, {@code [B][≥ T]}
     */
    public void add(INDArray probs, int[][] tokens) {
        int b = (int) probs.size(0);
        int h = (int) probs.size(1);
        int t = (int) probs.size(2);
        if (firstMass == null) {
            firstMass = new double[h];
            delimiterMass = new double[h];
        }
        float[] p = probs.castTo(DataType.FLOAT).dup('c').data().asFloat();
        for (int i = 0; i < b; i++) {
            for (int key = 0; key < t; key++) {
                keys++;
                if (delimiter.test(tokens[i][key])) {
                    delimiterKeys++;
                }
            }
            for (int head = 0; head < h; head++) {
                for (int q = 0; q < t; q++) {
                    int base = ((i * h + head) * t + q) * t;
                    firstMass[head] += p[base];
                    for (int key = 0; key < t; key++) {
                        if (delimiter.test(tokens[i][key])) {
                            delimiterMass[head] += p[base + key];
                        }
                    }
                }
            }
        }
        rows += (long) b * t;
    }

    /** Mean attention mass on the first token, per head. */
    public double[] firstTokenMass() {
        return scaled(firstMass);
    }

    /** Mean attention mass on delimiter tokens, per head. */
    public double[] delimiterMass() {
        return scaled(delimiterMass);
    }

    /** The share of keys that are delimiters: the mass a head would give them by attending uniformly. */
    public double delimiterShare() {
        return keys == 0 ? Double.NaN : (double) delimiterKeys / keys;
    }

    private double[] scaled(double[] sums) {
        double[] mean = sums.clone();
        for (int i = 0; i < mean.length; i++) {
            mean[i] /= rows;
        }
        return mean;
    }
}
