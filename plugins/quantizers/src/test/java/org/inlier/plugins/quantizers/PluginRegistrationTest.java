package org.inlier.plugins.quantizers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Plugin;
import org.inlier.api.plugin.PluginKind;
import org.inlier.api.quant.Quantizer;
import org.inlier.api.quant.RangeEstimator;
import org.junit.jupiter.api.Test;

class PluginRegistrationTest {

    private static <T extends Plugin> List<T> load(Class<T> type) {
        return ServiceLoader.load(type).stream().map(ServiceLoader.Provider::get).toList();
    }

    @Test
    void theQuantizerIsFoundByServiceLoader() {
        assertThat(load(Quantizer.class)).extracting(Plugin::id).containsExactly("uniform-affine");
        assertThat(load(Quantizer.class)).allSatisfy(q -> assertThat(q.kind()).isEqualTo(PluginKind.QUANTIZER));
    }

    @Test
    void theRangeEstimatorsAreFoundByServiceLoader() {
        assertThat(load(RangeEstimator.class)).extracting(Plugin::id)
                .containsExactly("min-max", "running-min-max", "percentile", "mse");
        assertThat(load(RangeEstimator.class)).allSatisfy(e -> assertThat(e.kind()).isEqualTo(PluginKind.RANGE_ESTIMATOR));
    }

    @Test
    void everyNumericDefaultLiesInItsDeclaredRange() {
        List<OptionSpec> specs = Stream.concat(load(Quantizer.class).stream(), load(RangeEstimator.class).stream())
                .flatMap(p -> p.options().stream())
                .toList();

        assertThat(specs).extracting(OptionSpec::name).contains("momentum", "percentile", "max-samples", "candidates", "p");
        assertThat(specs).allSatisfy(spec -> {
            double value = ((Number) spec.defaultValue()).doubleValue();
            assertThat(value).as(spec.name()).isBetween(spec.min(), spec.max());
        });
    }
}
