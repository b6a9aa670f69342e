package org.inlier.plugins.pretrained;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.ServiceLoader;
import org.inlier.api.model.ModelFamily;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.Options;
import org.junit.jupiter.api.Test;

class BertOnnxRegistrationTest {

    @Test
    void serviceLoaderFindsBertOnnxWithItsOptions() {
        ModelFamily family = ServiceLoader.load(ModelFamily.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.id().equals(BertOnnx.ID)).findFirst().orElseThrow();
        assertThat(family).isInstanceOf(BertOnnx.class);
        assertThat(family.options()).extracting(OptionSpec::name).containsExactly("path", "tokenizer", "seq", "heads");
        assertThat(family.sequenceLength(Options.withDefaults(family.options(), Map.of())))
                .isEqualTo(128);
    }
}
