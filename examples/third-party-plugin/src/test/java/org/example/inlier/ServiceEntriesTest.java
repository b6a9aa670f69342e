package org.example.inlier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ServiceLoader;
import org.inlier.api.attention.AttentionVariant;
import org.inlier.api.plugin.Plugin;
import org.inlier.api.quant.RangeEstimator;
import org.junit.jupiter.api.Test;

/** The META-INF/services entries are the whole contract with Inlier, on a class path and under Felix alike. */
class ServiceEntriesTest {

    @Test
    void bothPluginsAreFoundByTheirInterfaces() {
        assertThat(ServiceLoader.load(AttentionVariant.class).stream().map(p -> p.get().id()))
                .contains(LearnedTemperatureSoftmax.ID);
        assertThat(ServiceLoader.load(RangeEstimator.class).stream().map(p -> p.get().id()))
                .contains(AciqLaplaceEstimator.ID);
        assertThat(ServiceLoader.load(RangeEstimator.class).stream().map(ServiceLoader.Provider::get).map(Plugin::description))
                .anyMatch(d -> d.contains("Banner et al. 2019"));
    }
}
