package org.inlier.runtime.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AdamWTest {

    @Test
    void firstStepMovesEachParameterByTheLearningRateTimesTheGradientSign() {
        // After one step m̂ = g and v̂ = g², so the adaptive step is lr · g / (|g| + ε) ≈ lr · sign(g).
        INDArray p = Nd4j.createFromArray(1.0, -2.0);
        new AdamW(0.9, 0.999, 1e-8, 0, Set.of()).update(Map.of("w", p), Map.of("w", Nd4j.createFromArray(0.5, -3.0)), 0.1);
        assertThat(p.getDouble(0)).isCloseTo(0.9, within(1e-6));
        assertThat(p.getDouble(1)).isCloseTo(-1.9, within(1e-6));
    }

    @Test
    void weightDecayIsDecoupledAndOnlyForDecayedParameters() {
        INDArray decayed = Nd4j.createFromArray(2.0);
        INDArray exempt = Nd4j.createFromArray(2.0);
        AdamW adam = new AdamW(0.9, 0.999, 1e-8, 0.5, Set.of("decayed"));
        Map<String, INDArray> zeroGrads = Map.of("decayed", Nd4j.createFromArray(0.0), "exempt", Nd4j.createFromArray(0.0));
        adam.update(Map.of("decayed", decayed, "exempt", exempt), zeroGrads, 0.1);
        // p ← p · (1 − lr · λ) = 2 · 0.95; a zero gradient adds no adaptive step.
        assertThat(decayed.getDouble(0)).isCloseTo(1.9, within(1e-9));
        assertThat(exempt.getDouble(0)).isEqualTo(2.0);
    }

    @Test
    void minimisesAQuadratic() {
        INDArray p = Nd4j.createFromArray(5.0, -3.0);
        AdamW adam = new AdamW(0.9, 0.999, 1e-8, 0, Set.of());
        for (int i = 0; i < 500; i++) {
            adam.update(Map.of("w", p), Map.of("w", p.mul(2)), 0.05);
        }
        assertThat(p.norm2Number().doubleValue()).isLessThan(0.05);
    }
}
