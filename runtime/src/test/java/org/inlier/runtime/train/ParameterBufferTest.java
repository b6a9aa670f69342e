package org.inlier.runtime.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ParameterBufferTest {

    private final INDArray matrix = Nd4j.create(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, 'c');
    private final INDArray vector = Nd4j.create(new float[] {7, 8}, new long[] {2}, 'c');

    private ParameterBuffer buffer() {
        Map<String, INDArray> params = new LinkedHashMap<>();
        params.put("w", matrix);
        params.put("b", vector);
        return new ParameterBuffer(params);
    }

    @Test
    void laysTheParametersEndToEndInTheirOrder() {
        ParameterBuffer buffer = buffer();
        assertThat(buffer.length()).isEqualTo(8);
        assertThat(buffer.values().toFloatVector()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void storeWritesUpdatedValuesBackIntoTheGraphsArrays() {
        ParameterBuffer buffer = buffer();
        buffer.values().addi(10);
        assertThat(matrix.getFloat(1, 2)).isEqualTo(6f);
        buffer.store();
        assertThat(matrix.getFloat(1, 2)).isEqualTo(16f);
        assertThat(vector.toFloatVector()).containsExactly(17, 18);
    }

    @Test
    void gradientsArriveByNameAndAMissingOneIsZero() {
        ParameterBuffer buffer = buffer();
        buffer.gradients().assign(99);
        buffer.loadGradients(Map.of("w", Nd4j.ones(DataType.FLOAT, 2, 3).muli(2)));
        assertThat(buffer.gradients().toFloatVector()).containsExactly(2, 2, 2, 2, 2, 2, 0, 0);
    }

    @Test
    void clipsTheGlobalNormAcrossAllParameters() {
        ParameterBuffer buffer = buffer();
        // ‖(3, 0, 0, 0, 0, 0, 4, 0)‖ = 5, clipped to 1: every gradient scaled by 1/5.
        INDArray g = Nd4j.zeros(DataType.FLOAT, 2, 3);
        g.putScalar(0, 0, 3);
        buffer.loadGradients(Map.of("w", g, "b", Nd4j.create(new float[] {4, 0}, new long[] {2}, 'c')));
        assertThat(buffer.clipGradients(1.0)).isCloseTo(5.0, within(1e-6));
        assertThat(buffer.gradients().getDouble(0)).isCloseTo(0.6, within(1e-6));
        assertThat(buffer.gradients().getDouble(6)).isCloseTo(0.8, within(1e-6));
        assertThat(buffer.clipGradients(0)).isCloseTo(1.0, within(1e-6)); // 0 = no clipping
    }

    @Test
    void masksAndViewsFollowTheLayout() {
        ParameterBuffer buffer = buffer();
        assertThat(buffer.mask(Set.of("b")).toFloatVector()).containsExactly(0, 0, 0, 0, 0, 0, 1, 1);
        INDArray flat = Nd4j.zeros(DataType.FLOAT, 8);
        buffer.viewsOf(flat).get("w").putScalar(1, 0, 5);
        assertThat(flat.getFloat(3)).isEqualTo(5f);
        assertThat(buffer.viewsOf(flat).get("w").shape()).containsExactly(2, 3);
        assertThatThrownBy(() -> buffer.viewsOf(Nd4j.zeros(DataType.FLOAT, 7))).hasMessageContaining("length 7, expected 8");
    }
}
