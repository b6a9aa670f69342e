package org.inlier.plugins.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.inlier.api.attention.AttentionVariant;
import org.inlier.api.plugin.OptionSpec;
import org.inlier.api.plugin.PluginKind;
import org.junit.jupiter.api.Test;

class AttentionVariantRegistrationTest {

    @Test
    void serviceLoaderFindsTheThreeVariantsByTheirIds() {
        Map<String, AttentionVariant> byId = ServiceLoader.load(AttentionVariant.class).stream()
                .map(ServiceLoader.Provider::get)
                .collect(Collectors.toMap(AttentionVariant::id, Function.identity()));

        assertThat(byId).containsOnlyKeys("vanilla", "clipped-softmax", "gated-attention");
        assertThat(byId.get("vanilla")).isInstanceOf(SoftmaxAttention.class);
        assertThat(byId.get("clipped-softmax")).isInstanceOf(ClippedSoftmax.class);
        assertThat(byId.get("gated-attention")).isInstanceOf(GatedAttention.class);
        assertThat(byId.values()).allSatisfy(v -> {
            assertThat(v.kind()).isEqualTo(PluginKind.ATTENTION_VARIANT);
            assertThat(v.description()).isNotBlank();
        });
    }

    @Test
    void declaredOptionsMatchTheDocumentedNamesAndDefaults() {
        assertThat(new ClippedSoftmax().options()).extracting(OptionSpec::name, OptionSpec::defaultValue)
                .containsExactly(
                        tuple("zeta", 1.0),
                        tuple("gamma", null),
                        tuple("alpha", null));
        assertThat(new GatedAttention().options()).extracting(OptionSpec::name, OptionSpec::defaultValue)
                .containsExactly(
                        tuple("gate", "linear"),
                        tuple("pi_init", 0.5),
                        tuple("scale_by_pi_init", false));
        assertThat(new GatedAttention().options().get(0).choices())
                .containsExactly("linear", "mlp", "all-heads-linear");
    }
}
