package org.inlier.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class SqnrTest {

    @Test
    void isTheRatioOfSignalToErrorEnergyInDecibels() {
        Sqnr sqnr = new Sqnr();
        // Signal energy 3² + 4² = 25; error energy 0.5² = 0.25 → 10·log10(100) = 20 dB.
        sqnr.add(Nd4j.createFromArray(3.0, 4.0), Nd4j.createFromArray(3.0, 4.5));
        assertThat(sqnr.decibels()).isCloseTo(20.0, within(1e-9));
    }

    @Test
    void anExactCopyHasInfiniteSqnr() {
        Sqnr sqnr = new Sqnr();
        sqnr.add(Nd4j.createFromArray(1.0), Nd4j.createFromArray(1.0));
        assertThat(sqnr.decibels()).isInfinite();
    }
}
