package org.inlier.runtime.quant;

import static org.assertj.core.api.Assertions.assertThat;

import org.inlier.api.site.QuantizationSite;
import org.inlier.api.site.SiteKind;
import org.junit.jupiter.api.Test;

class PlacementProfileTest {

    private static QuantizationSite activation(String name) {
        return QuantizationSite.activation(name, SiteKind.RESIDUAL, 0);
    }

    @Test
    void fullProfileQuantizesEverythingButTheFinalHead() {
        PlacementProfile full = PlacementProfile.BUILT_IN.get("w8a8-full");
        assertThat(full.selects(activation("layer.0.attn.probs"))).isTrue();
        assertThat(full.selects(QuantizationSite.weight("layer.0.ffn.fc1.weight", 0, 1))).isTrue();
        assertThat(full.selects(activation("head.logits"))).isFalse();
        assertThat(full.selects(QuantizationSite.weight("head.weight", -1, 1))).isFalse();
    }

    @Test
    void weightsOnlyLeavesActivationsInFloat() {
        PlacementProfile weights = PlacementProfile.BUILT_IN.get("weights-only");
        assertThat(weights.selects(activation("layer.0.ffn.out"))).isFalse();
        assertThat(weights.selects(QuantizationSite.weight("layer.0.ffn.fc1.weight", 0, 1))).isTrue();
    }

    @Test
    void starMatchesAnyRunOfCharactersIncludingDots() {
        assertThat(PlacementProfile.matches("layer.*.ln?.out", "layer.1.ln?.out")).isTrue();
        assertThat(PlacementProfile.matches("layer.*.out", "layer.1.attn.out")).isTrue();
        assertThat(PlacementProfile.matches("layer.*.out", "layer.1.attn.outer")).isFalse();
    }
}
