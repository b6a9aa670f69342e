package org.inlier.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class AttentionSinksTest {

    @Test
    void averagesTheMassOnTheFirstAndOnDelimiterKeysPerHead() {
        AttentionSinks sinks = new AttentionSinks(token -> token == 0);
        // B = 1, H = 2, T = 2. Head 0 puts everything on key 0; head 1 splits 0.25 / 0.75.
        float[][][][] probs = {{{{1, 0}, {1, 0}}, {{0.25f, 0.75f}, {0.25f, 0.75f}}}};
        // Key 1 is the delimiter (token 0).
        sinks.add(Nd4j.createFromArray(probs), new int[][] {{4, 0}});
        assertThat(sinks.firstTokenMass()).containsExactly(new double[] {1.0, 0.25}, within(1e-6));
        assertThat(sinks.delimiterMass()).containsExactly(new double[] {0.0, 0.75}, within(1e-6));
        assertThat(sinks.delimiterShare()).isEqualTo(0.5);
    }
}
