package org.inlier.plugins.suppression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteKind;
import org.junit.jupiter.api.Test;

class SiteSelectionTest {

    private static SiteKind[] included(SiteSelection selection) {
        return Arrays.stream(SiteKind.values())
                .filter(kind -> selection.includes(new QuantizationSite("s", kind, 0, -1)))
                .toArray(SiteKind[]::new);
    }

    @Test
    void eachLabelSelectsItsKinds() {
        assertThat(included(SiteSelection.of("layer-outputs"))).containsExactly(SiteKind.RESIDUAL);
        assertThat(included(SiteSelection.of("ffn-outputs"))).containsExactly(SiteKind.FFN_OUTPUT);
        assertThat(included(SiteSelection.of("layernorm-outputs"))).containsExactly(SiteKind.LAYERNORM_OUTPUT);
        assertThat(included(SiteSelection.of("all-activations"))).containsExactly(
                SiteKind.EMBEDDING_SUM, SiteKind.LAYERNORM_INPUT, SiteKind.LAYERNORM_OUTPUT, SiteKind.QKV_OUTPUT,
                SiteKind.ATTENTION_CONTEXT, SiteKind.ATTENTION_OUTPUT, SiteKind.FFN_HIDDEN, SiteKind.FFN_OUTPUT, SiteKind.RESIDUAL);
    }

    @Test
    void labelsAreTheOptionsAllowedValuesInOrder() {
        assertThat(SiteSelection.labels()).containsExactly("layer-outputs", "ffn-outputs", "layernorm-outputs", "all-activations");
    }

    @Test
    void anUnknownLabelIsRejectedWithTheAllowedOnes() {
        assertThatThrownBy(() -> SiteSelection.of("residuals")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'residuals'").hasMessageContaining("layer-outputs");
    }
}
