package org.inlier.plugins.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.inlier.api.quant.Range;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TokenExtremaTest {

    @Test
    void quantilesInterpolateLinearlyBetweenRanks() {
        double[] sorted = {1, 2, 4, 8, 16};

        assertThat(TokenExtrema.quantile(sorted, 0)).isEqualTo(1.0);
        assertThat(TokenExtrema.quantile(sorted, 1)).isEqualTo(16.0);
        assertThat(TokenExtrema.quantile(sorted, 0.5)).isEqualTo(4.0);
        // index 0.9 · 4 = 3.6: 8 + 0.6 · (16 − 8)
        assertThat(TokenExtrema.quantile(sorted, 0.9)).isCloseTo(12.8, within(1e-12));
    }

    @Test
    void upperIsTheAlphaQuantileOfTokenMaximaAndLowerTheComplementOfTokenMinima() {
        // (1, 5, 2): 5 tokens of 2 features; maxima 1, 2, 3, 4, 100; minima −50, −3, −2, −1, 0.
        TokenExtrema batch = TokenExtrema.of(Nd4j.createFromArray(new double[][][] {
                {{1, 0}, {-50, 100}, {3, -2}, {2, -1}, {-3, 4}}}));

        assertThat(batch.upper(1.0)).isEqualTo(100.0);
        assertThat(batch.lower(1.0)).isEqualTo(-50.0);
        // index 0.75 · 4 = 3 exactly: the 4th largest maximum and the 2nd smallest minimum.
        assertThat(batch.upper(0.75)).isEqualTo(4.0);
        assertThat(batch.lower(0.75)).isEqualTo(-3.0);
    }

    @Test
    void everyVectorAlongTheLastAxisIsAToken() {
        // (2, 2, 1, 3): attention-like layout; four rows, maxima 3, 6, 9, 12.
        TokenExtrema batch = TokenExtrema.of(Nd4j.linspace(1, 12, 12).reshape(2, 2, 1, 3));

        assertThat(batch.upper(1.0)).isEqualTo(12.0);
        assertThat(batch.upper(0.0)).isEqualTo(3.0);
        assertThat(batch.lower(1.0)).isEqualTo(1.0);
    }

    @Test
    void paddingTokensAreLeftOut() {
        // (2, 3, 2): the padding tokens (mask 0) hold the largest and the smallest values.
        INDArray x = Nd4j.createFromArray(new double[][][] {
                {{1, 0}, {2, -1}, {90, -90}},
                {{3, -2}, {80, -80}, {70, -70}}});
        INDArray mask = Nd4j.createFromArray(new float[][] {{1, 1, 0}, {1, 0, 0}});

        TokenExtrema batch = TokenExtrema.of(x, mask);

        assertThat(batch.tokens()).isEqualTo(3);
        assertThat(batch.upper(1.0)).isEqualTo(3.0);
        assertThat(batch.lower(1.0)).isEqualTo(-2.0);
        assertThat(TokenExtrema.of(x, null).upper(1.0)).isEqualTo(90.0);
    }

    @Test
    void attentionScoresKeepRealQueriesAndTakeTheirExtremaOverRealKeys() {
        // (1, 2, 3, 3): two heads, 3 queries × 3 keys; token 2 is padding. Scores are 10·head + 3·query + key,
        // except at the padding key (column 2) and the padding query (row 2), which hold ±1000.
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 1, 2, 3, 3);
        for (int h = 0; h < 2; h++) {
            for (int q = 0; q < 3; q++) {
                for (int k = 0; k < 3; k++) {
                    double value = q == 2 || k == 2 ? (k % 2 == 0 ? 1000 : -1000) : 10 * h + 3 * q + k;
                    x.putScalar(new long[] {0, h, q, k}, value);
                }
            }
        }
        INDArray mask = Nd4j.createFromArray(new float[][] {{1, 1, 0}});

        TokenExtrema batch = TokenExtrema.of(x, mask);

        // Rows (head, query) 0..1 × 0..1: maxima over keys 0..1 are 1, 4, 11, 14; minima 0, 3, 10, 13.
        assertThat(batch.tokens()).isEqualTo(4);
        assertThat(batch.upper(1.0)).isEqualTo(14.0);
        assertThat(batch.upper(0.0)).isEqualTo(1.0);
        assertThat(batch.lower(1.0)).isEqualTo(0.0);
        assertThat(batch.lower(0.0)).isEqualTo(13.0);
    }

    @Test
    void aMaskThatDoesNotFitTheLayoutKeepsEveryToken() {
        INDArray x = Nd4j.linspace(1, 12, 12, DataType.DOUBLE).reshape(2, 3, 2);

        assertThat(TokenExtrema.of(x, Nd4j.ones(DataType.FLOAT, 3, 2)).tokens()).isEqualTo(6);
    }

    @Test
    void aSiteRangeAveragesTheBatchClips() {
        TokenExtrema first = TokenExtrema.of(Nd4j.createFromArray(new double[][] {{-1, 1}, {-2, 2}}));
        TokenExtrema second = TokenExtrema.of(Nd4j.createFromArray(new double[][] {{-3, 5}, {-4, 6}}));

        assertThat(TokenExtrema.range(List.of(first, second), 1.0)).isEqualTo(Range.of(-3.0, 4.0));
    }
}
