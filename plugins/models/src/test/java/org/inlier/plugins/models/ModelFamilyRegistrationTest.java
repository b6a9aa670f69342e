package org.inlier.plugins.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.inlier.api.model.ModelFamily;
import org.inlier.api.plugin.OptionSpec;
import org.junit.jupiter.api.Test;

class ModelFamilyRegistrationTest {

    @Test
    void serviceLoaderFindsTheFamiliesWithTheSameShapeOptions() {
        Map<String, ModelFamily> byId = ServiceLoader.load(ModelFamily.class).stream().map(ServiceLoader.Provider::get)
                .collect(Collectors.toMap(ModelFamily::id, Function.identity()));
        assertThat(byId).containsOnlyKeys("decoder-clm", "encoder-mlm", "vit");
        assertThat(byId.get("encoder-mlm")).isInstanceOf(EncoderMlm.class);
        assertThat(byId.get("encoder-mlm").options()).extracting(OptionSpec::name)
                .containsExactly("layers", "hidden", "heads", "ffn", "seq", "dropout");
        assertThat(byId.get("vit").options()).extracting(OptionSpec::name)
                .containsExactly("layers", "hidden", "heads", "ffn", "dropout", "image", "patch", "crop_padding", "flip");
    }
}
