package org.inlier.runtime.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void warmsUpLinearlyThenDecaysByCosineToTheMinimum() {
        LearningRateSchedule s = new LearningRateSchedule(1.0, 10, 110, "cosine", 0.1);
        assertThat(s.at(0)).isCloseTo(0.1, within(1e-12));
        assertThat(s.at(9)).isCloseTo(1.0, within(1e-12));
        assertThat(s.at(60)).isCloseTo(0.55, within(1e-12)); // halfway: 0.1 + 0.9 · 0.5
        assertThat(s.at(110)).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void linearDecayIsHalfwayAtTheMiddle() {
        assertThat(new LearningRateSchedule(2.0, 0, 100, "linear", 0.0).at(50)).isCloseTo(1.0, within(1e-12));
    }
}
