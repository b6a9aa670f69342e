package org.inlier.plugins.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.ServiceLoader;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.OptionType;
import org.inlier.api.plugin.Plugin;
import org.inlier.api.plugin.PluginKind;
import org.inlier.api.suppression.OutlierSuppression;
import org.junit.jupiter.api.Test;

class PluginRegistrationTest {

    private static List<OutlierSuppression> load() {
        return ServiceLoader.load(OutlierSuppression.class).stream().map(ServiceLoader.Provider::get).toList();
    }

    @Test
    void everyMethodIsFoundByServiceLoader() {
        assertThat(load()).extracting(Plugin::id)
                .contains("kurtosis-regularization", "gamma-migration", "smoothquant", "token-wise-clipping");
        assertThat(load()).allSatisfy(p -> assertThat(p.kind()).isEqualTo(PluginKind.OUTLIER_SUPPRESSION));
    }

    @Test
    void everyDefaultIsAllowed() {
        List<OptionSpec> specs = load().stream().flatMap(p -> p.options().stream()).toList();

        assertThat(specs).extracting(OptionSpec::name)
                .contains("lambda", "sites", "target", "min_abs_gamma", "alpha", "step", "candidates", "patience", "score_batches", "fine.enabled", "fine.epochs", "fine.lr");
        assertThat(specs).allSatisfy(spec -> {
            if (spec.type() == OptionType.CHOICE) {
                assertThat(spec.choices()).as(spec.name()).contains((String) spec.defaultValue());
            } else if (spec.type() == OptionType.BOOLEAN) {
                assertThat(spec.defaultValue()).as(spec.name()).isInstanceOf(Boolean.class);
            } else if (spec.defaultValue() == null) {
                assertThat(spec.optional()).as("%s has no default, so it must be optional", spec.name()).isTrue();
            } else {
                assertThat(((Number) spec.defaultValue()).doubleValue()).as(spec.name()).isBetween(spec.min(), spec.max());
            }
        });
    }
}
