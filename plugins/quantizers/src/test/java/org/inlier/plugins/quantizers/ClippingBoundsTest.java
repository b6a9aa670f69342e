package org.inlier.plugins.quantizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.inlier.api.quant.Range;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;

class ClippingBoundsTest {

    @Test
    void createsTwoTrainableScalarsNamedAfterTheSite() {
        SameDiff sd = SameDiff.create();

        ClippingBounds b = ClippingBounds.trainable(sd, "layer.0.ffn.hidden", Range.of(-1.5, 4), DataType.FLOAT);

        assertThat(b.low().name()).isEqualTo("layer.0.ffn.hidden.qat.low");
        assertThat(b.high().name()).isEqualTo("layer.0.ffn.hidden.qat.high");
        assertThat(sd.getVariable(ClippingBounds.lowName("layer.0.ffn.hidden"))).isSameAs(b.low());
        assertThat(sd.getVariable(ClippingBounds.highName("layer.0.ffn.hidden"))).isSameAs(b.high());
        assertThat(b.low().getVariableType()).isEqualTo(VariableType.VARIABLE);
        assertThat(b.high().getVariableType()).isEqualTo(VariableType.VARIABLE);
        assertThat(b.low().getArr().rank()).isZero();
        assertThat(b.low().getArr().dataType()).isEqualTo(DataType.FLOAT);
        assertThat(b.low().getArr().getDouble(0)).isEqualTo(-1.5);
        assertThat(b.high().getArr().getDouble(0)).isEqualTo(4.0);
    }

    @Test
    void rejectsUnorderedPerChannelOrIntegerBounds() {
        SameDiff sd = SameDiff.create();

        assertThatThrownBy(() -> ClippingBounds.trainable(sd, "s", Range.of(1, 1), DataType.FLOAT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("low < high");
        assertThatThrownBy(() -> ClippingBounds.trainable(sd, "s", new Range(new double[] {0, 0}, new double[] {1, 1}), DataType.FLOAT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("per tensor");
        assertThatThrownBy(() -> ClippingBounds.trainable(sd, "s", Range.of(0, 1), DataType.INT32))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("floating point");
    }
}
