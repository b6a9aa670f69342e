package org.inlier.runtime.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AdamWTest {

    @Test
    void firstStepMovesEachParameterByTheLearningRateTimesTheGradientSign() {
        // After one step m̂ = g and v̂ = g², so the adaptive step is lr · g / (|g| + ε) ≈ lr · sign(g).
        INDArray p = Nd4j.createFromArray(1.0, -2.0);
        new AdamW(0.9, 0.999, 1e-8, 0, Nd4j.zeros(DataType.DOUBLE, 2)).update(p, Nd4j.createFromArray(0.5, -3.0), 0.1);
        assertThat(p.getDouble(0)).isCloseTo(0.9, within(1e-6));
        assertThat(p.getDouble(1)).isCloseTo(-1.9, within(1e-6));
    }

    @Test
    void secondStepFollowsTheBiasCorrectedMoments() {
        // By hand: g1 = 1, g2 = 3, β1 = 0.5, β2 = 0.75, lr = 1, ε = 0.
        // m2 = 0.5·0.5·1 + 0.5·3 = 1.75, v2 = 0.75·0.25·1 + 0.25·9 = 2.4375,
        // m̂ = 1.75 / 0.75 = 2.3333…, v̂ = 2.4375 / 0.4375 = 5.5714…, step 2 = m̂ / √v̂ = 0.98853…
        INDArray p = Nd4j.createFromArray(0.0);
        AdamW adam = new AdamW(0.5, 0.75, 0, 0, Nd4j.zeros(DataType.DOUBLE, 1));
        adam.update(p, Nd4j.createFromArray(1.0), 1);
        assertThat(p.getDouble(0)).isCloseTo(-1.0, within(1e-6));
        adam.update(p, Nd4j.createFromArray(3.0), 1);
        assertThat(p.getDouble(0)).isCloseTo(-1.0 - (1.75 / 0.75) / Math.sqrt(2.4375 / 0.4375), within(1e-6));
        assertThat(adam.step()).isEqualTo(2);
    }

    @Test
    void weightDecayIsDecoupledAndOnlyWhereTheMaskIsOne() {
        INDArray p = Nd4j.createFromArray(2.0, 2.0);
        AdamW adam = new AdamW(0.9, 0.999, 1e-8, 0.5, Nd4j.createFromArray(1.0, 0.0));
        adam.update(p, Nd4j.createFromArray(0.0, 0.0), 0.1);
        // p ← p · (1 − lr · λ) = 2 · 0.95 where decayed; a zero gradient adds no adaptive step.
        assertThat(p.getDouble(0)).isCloseTo(1.9, within(1e-9));
        assertThat(p.getDouble(1)).isEqualTo(2.0);
    }

    @Test
    void minimisesAQuadratic() {
        INDArray p = Nd4j.createFromArray(5.0, -3.0);
        AdamW adam = new AdamW(0.9, 0.999, 1e-8, 0, Nd4j.zeros(DataType.DOUBLE, 2));
        for (int i = 0; i < 500; i++) {
            adam.update(p, p.mul(2), 0.05);
        }
        assertThat(p.norm2Number().doubleValue()).isLessThan(0.05);
    }

    @Test
    void refusesGradientsOfAnotherDataType() {
        AdamW adam = new AdamW(0.9, 0.999, 1e-8, 0, Nd4j.zeros(DataType.FLOAT, 2));
        assertThatThrownBy(() -> adam.update(Nd4j.zeros(DataType.FLOAT, 2), Nd4j.zeros(DataType.DOUBLE, 2), 0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DOUBLE").hasMessageContaining("FLOAT");
    }
}
