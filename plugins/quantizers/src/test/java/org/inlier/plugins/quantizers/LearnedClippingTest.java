package org.inlier.plugins.quantizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.inlier.api.quant.Range;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LearnedClippingTest {

    /** A graph holding {@code x} and the bounds as variables named "x", "low", "high", and {@code loss = sum(w ⊙ x̂)}. */
    private record Graph(SameDiff sd, SDVariable quantized) {

        static Graph of(INDArray x, double low, double high, int bits, INDArray w) {
            SameDiff sd = SameDiff.create();
            SDVariable lo = sd.var("low", Nd4j.scalar(x.dataType(), low));
            SDVariable hi = sd.var("high", Nd4j.scalar(x.dataType(), high));
            SDVariable quantized = LearnedClipping.fakeQuantize(sd.var("x", x), lo, hi, bits);
            quantized.mul(sd.constant(w)).sum().rename("loss");
            sd.setLossVariables("loss");
            return new Graph(sd, quantized);
        }

        Map<String, INDArray> gradients() {
            return sd.calculateGradients(Map.of(), "x", "low", "high");
        }

        double loss() {
            return sd.output(Map.of(), "loss").get("loss").getDouble(0);
        }

        /** Central difference of the loss in one entry of a variable. */
        double centralDifference(String variable, long index, double h) {
            INDArray values = sd.getVariable(variable).getArr();
            double original = values.getDouble(index);
            values.putScalar(index, original + h);
            double plus = loss();
            values.putScalar(index, original - h);
            double minus = loss();
            values.putScalar(index, original);
            return (plus - minus) / (2 * h);
        }
    }

    @Test
    void roundsHalvesToEvenAndClipsToTheBoundsInFloatAndDouble() {
        // 2 bits on [0, 1.5]: step 0.5, levels 0, 0.5, 1, 1.5. Ties at u = 0.5, 1.5, 2.5 go to 0, 2, 2.
        double[] x = {-1, 0.25, 0.75, 1.25, 0.3, 1.5, 2, 0};
        double[] expected = {0, 0, 1, 1, 0.5, 1.5, 1.5, 0};
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray input = Nd4j.createFromArray(x).castTo(type);
            INDArray y = Graph.of(input, 0, 1.5, 2, input.ulike().assign(1)).quantized().eval();

            assertThat(y.dataType()).isEqualTo(type);
            assertThat(y.toDoubleVector()).as("%s", type).containsExactly(expected);
        }
    }

    @Test
    void offsetsTheGridByTheLowerBoundWithoutRoundingItToAZeroPoint() {
        // 3 bits on [-0.3, 3.2]: step 0.5, levels -0.3, 0.2, ..., 3.2; 0 itself is not a level.
        double[] x = {0, 0.1, 1.0, -5, 10, 3.0};
        double[] expected = {0.2, 0.2, 1.2, -0.3, 3.2, 3.2};
        INDArray input = Nd4j.createFromArray(x);

        INDArray y = Graph.of(input, -0.3, 3.2, 3, input.ulike().assign(1)).quantized().eval();

        assertThat(y.toDoubleVector()).usingElementComparator((a, b) -> Math.abs(a - b) < 1e-12 ? 0 : Double.compare(a, b))
                .containsExactly(expected);
    }

    @Test
    void gradientsAreStraightThroughForXAndPactPlusLsqForTheBounds() {
        double low = -1.2;
        double high = 2.3;
        int bits = 3;
        double levels = 7;
        double step = (high - low) / levels;
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 4, 6).muli(2); // values inside and on both sides of the range
        INDArray w = Nd4j.randn(DataType.DOUBLE, 4, 6);

        Map<String, INDArray> g = Graph.of(x, low, high, bits, w).gradients();

        double dLow = 0;
        double dHigh = 0;
        int inside = 0;
        for (long i = 0; i < x.length(); i++) {
            double v = x.getDouble(i);
            double wi = w.getDouble(i);
            double u = (Math.min(Math.max(v, low), high) - low) / step;
            double roundingError = Math.rint(u) - u;
            boolean in = v >= low && v <= high;
            inside += in ? 1 : 0;
            assertThat(g.get("x").getDouble(i)).as("d/dx[%d] at x = %s", i, v).isEqualTo(in ? wi : 0.0);
            dHigh += wi * (v > high ? 1 : in ? roundingError / levels : 0);
            dLow += wi * (v < low ? 1 : in ? -roundingError / levels : 0);
        }
        assertThat(inside).as("values inside the range").isBetween(5, (int) x.length() - 5);
        assertThat(g.get("high").getDouble(0)).isCloseTo(dHigh, within(1e-12));
        assertThat(g.get("low").getDouble(0)).isCloseTo(dLow, within(1e-12));
    }

    @Test
    void boundGradientsOfClippedValuesMatchFiniteDifferences() {
        // Every value is clipped, so x̂ is c⁻ or c⁺: linear in the bounds and constant in x.
        INDArray x = Nd4j.createFromArray(-3.0, -1.5, 2.5, 4.0, 7.0);
        INDArray w = Nd4j.createFromArray(0.5, -2.0, 1.5, 3.0, -0.25);
        Graph graph = Graph.of(x, -1.0, 2.0, 4, w);

        Map<String, INDArray> g = graph.gradients();

        assertThat(g.get("low").getDouble(0)).isCloseTo(-1.5, within(1e-12));
        assertThat(g.get("high").getDouble(0)).isCloseTo(4.25, within(1e-12));
        for (String bound : new String[] {"low", "high"}) {
            double numeric = graph.centralDifference(bound, 0, 1e-6);
            double exact = g.get(bound).getDouble(0);
            assertThat(Math.abs(exact - numeric) / Math.abs(exact)).as("relative error of d/d%s", bound).isLessThan(1e-3);
        }
        for (long i = 0; i < x.length(); i++) {
            assertThat(graph.centralDifference("x", i, 1e-6)).as("numeric d/dx[%d]", i).isEqualTo(0.0);
            assertThat(g.get("x").getDouble(i)).as("d/dx[%d]", i).isEqualTo(0.0);
        }
    }

    @Test
    void squaredErrorPullsEachBoundTowardsTheValuesClippedToIt() {
        // -2 is clipped to c⁻ = -1 and 2 to c⁺ = 1: a descent step on the squared error widens the range.
        INDArray x = Nd4j.createFromArray(-2.0, -0.5, 0.0, 0.5, 2.0);
        SameDiff sd = SameDiff.create();
        SDVariable lo = sd.var("low", Nd4j.scalar(-1.0));
        SDVariable hi = sd.var("high", Nd4j.scalar(1.0));
        SDVariable input = sd.constant("x", x);
        SDVariable error = LearnedClipping.fakeQuantize(input, lo, hi, 8).sub(input);
        error.mul(error).sum().rename("loss");
        sd.setLossVariables("loss");

        Map<String, INDArray> g = sd.calculateGradients(Map.of(), "low", "high");

        assertThat(g.get("low").getDouble(0)).as("dL/dc⁻: -2 is clipped to -1").isGreaterThan(0);
        assertThat(g.get("high").getDouble(0)).as("dL/dc⁺: 2 is clipped to 1").isLessThan(0);
    }

    @Test
    void boundsThatMeetDoNotDivideByZero() {
        INDArray x = Nd4j.createFromArray(-1f, 0.5f, 3f);

        INDArray y = Graph.of(x, 0.5, 0.5, 8, x.ulike().assign(1)).quantized().eval();

        assertThat(y.toFloatVector()).containsExactly(0.5f, 0.5f, 0.5f);
    }

    @Test
    void rejectsBitWidthsOutsideTwoToSixteen() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", Nd4j.zeros(DataType.FLOAT, 3));
        SDVariable lo = sd.var("low", Nd4j.scalar(-1f));
        SDVariable hi = sd.var("high", Nd4j.scalar(1f));

        assertThatThrownBy(() -> LearnedClipping.fakeQuantize(x, lo, hi, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 16]").hasMessageContaining("got 1");
        assertThatThrownBy(() -> LearnedClipping.fakeQuantize(x, lo, hi, 17)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsBoundsOfAnotherGraph() {
        SDVariable x = SameDiff.create().var("x", Nd4j.zeros(DataType.FLOAT, 3));
        SameDiff other = SameDiff.create();

        assertThatThrownBy(() -> LearnedClipping.fakeQuantize(x, other.var("low", Nd4j.scalar(-1f)), other.var("high", Nd4j.scalar(1f)), 8))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("graph");
    }

    @Test
    void initialBoundsWidenTheSampleRangeByOnePercentOnEachSide() {
        Range r = LearnedClipping.initialBounds(Nd4j.createFromArray(new float[][] {{-1, 0.5f}, {3, 2}}));

        assertThat(r.min()[0]).isCloseTo(-1.04, within(1e-6));
        assertThat(r.max()[0]).isCloseTo(3.04, within(1e-6));
    }

    @Test
    void initialBoundsOfAConstantSampleStillDiffer() {
        assertThat(LearnedClipping.initialBounds(Nd4j.zeros(DataType.FLOAT, 4))).isEqualTo(Range.of(-0.01, 0.01));
        Range r = LearnedClipping.initialBounds(Nd4j.valueArrayOf(new long[] {3}, -5.0));
        assertThat(r.min()[0]).isCloseTo(-5.05, within(1e-12));
        assertThat(r.max()[0]).isCloseTo(-4.95, within(1e-12));
    }

    @Test
    void initialBoundsRejectAnEmptyOrNonFiniteSample() {
        assertThatThrownBy(() -> LearnedClipping.initialBounds(Nd4j.empty(DataType.FLOAT))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> LearnedClipping.initialBounds(Nd4j.createFromArray(1.0, Double.POSITIVE_INFINITY)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not finite");
    }
}
