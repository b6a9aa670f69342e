package org.inlier.plugins.quantizers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.inlier.api.quant.Range;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The straight-through (LSQ+) form of fake quantization with a graph-valued scale and zero-point. */
class LsqPlusTest {

    private static final UniformAffineQuantizer QUANTIZER = new UniformAffineQuantizer();

    /** Variables "x", "s", "z" and {@code loss = sum(w ⊙ x̂)}. */
    private record Graph(SameDiff sd, SDVariable quantized) {

        static Graph of(INDArray x, double scale, double zeroPoint, QuantScheme scheme, INDArray w) {
            SameDiff sd = SameDiff.create();
            SDVariable s = sd.var("s", Nd4j.scalar(x.dataType(), scale));
            SDVariable z = sd.var("z", Nd4j.scalar(x.dataType(), zeroPoint));
            SDVariable quantized = QUANTIZER.fakeQuantize(sd.var("x", x), s, z, scheme, true);
            quantized.mul(sd.constant(w)).sum().rename("loss");
            sd.setLossVariables("loss");
            return new Graph(sd, quantized);
        }

        Map<String, INDArray> gradients() {
            return sd.calculateGradients(Map.of(), "x", "s", "z");
        }

        double loss() {
            return sd.output(Map.of(), "loss").get("loss").getDouble(0);
        }

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

    /**
     * The straight-through surrogate whose exact derivative LSQ+ uses: the forward pass with every
     * rounding offset {@code round(a) − a} and every clamp decision frozen at {@code (x0, s0, z0)},
     * so that it is smooth (piecewise linear in x and z, rational in s) around that point.
     */
    private record Surrogate(double[] x0, double s0, double z0, QuantScheme scheme, double[] w) {

        double loss(double[] x, double s, double z) {
            double zr = scheme.symmetric() ? 0 : clamp(z + Math.rint(z0) - z0, scheme);
            double zr0 = scheme.symmetric() ? 0 : clamp(Math.rint(z0), scheme);
            double sum = 0;
            for (int i = 0; i < x.length; i++) {
                double u0 = x0[i] / s0;
                double v0 = Math.rint(u0) + zr0;
                double u = x[i] / s;
                double v = u + (Math.rint(u0) - u0) + zr;
                double q = v0 < scheme.qmin() ? scheme.qmin() : v0 > scheme.qmax() ? scheme.qmax() : v;
                sum += w[i] * (q - zr) * s;
            }
            return sum;
        }

        private static double clamp(double z, QuantScheme scheme) {
            return Math.min(Math.max(z, scheme.qmin()), scheme.qmax());
        }
    }

    /** Values inside the 4-bit range [−2, 5.5] (s = 0.5, z = 4) and on both sides, none near a rounding tie. */
    private static INDArray data() {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 5, 8).muli(4).addi(1.75);
        for (long i = 0; i < x.length(); i++) { // keep u = x / 0.5 at least 0.05 from a half
            double u = x.getDouble(i) / 0.5;
            double fraction = u - Math.floor(u);
            if (Math.abs(fraction - 0.5) < 0.05) {
                x.putScalar(i, (Math.floor(u) + 0.3) * 0.5);
            }
        }
        return x;
    }

    @Test
    void theForwardPassIsTheFrozenFakeQuantization() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = data().castTo(type);
            QuantParams p = QUANTIZER.params(Schemes.asymmetric(6), Range.of(-4, 7));

            INDArray y = Graph.of(x, p.scale()[0], p.zeroPoint()[0], Schemes.asymmetric(6), x.ulike().assign(1)).quantized().eval();

            assertThat(y).as("%s", type).isEqualTo(QUANTIZER.fakeQuantize(x, p));
        }
    }

    @Test
    void gradientsAreTheLsqPlusFormulas() {
        QuantScheme scheme = Schemes.asymmetric(4);
        double s = 0.5;
        double z = 4.3; // rounds to 4
        INDArray x = data();
        INDArray w = Nd4j.randn(DataType.DOUBLE, 5, 8);

        Map<String, INDArray> g = Graph.of(x, s, z, scheme, w).gradients();

        double ds = 0;
        double dz = 0;
        int below = 0;
        int above = 0;
        for (long i = 0; i < x.length(); i++) {
            double u = x.getDouble(i) / s;
            double v = Math.rint(u) + 4;
            double wi = w.getDouble(i);
            boolean low = v < scheme.qmin();
            boolean high = v > scheme.qmax();
            below += low ? 1 : 0;
            above += high ? 1 : 0;
            assertThat(g.get("x").getDouble(i)).as("d/dx[%d]", i).isCloseTo(low || high ? 0 : wi, within(1e-12));
            ds += wi * (low ? scheme.qmin() - 4 : high ? scheme.qmax() - 4 : Math.rint(u) - u);
            dz += wi * (low || high ? -s : 0);
        }
        assertThat(below).as("values below the grid").isGreaterThan(3);
        assertThat(above).as("values above the grid").isGreaterThan(3);
        assertThat(g.get("s").getDouble(0)).isCloseTo(ds, within(1e-10));
        assertThat(g.get("z").getDouble(0)).isCloseTo(dz, within(1e-10));
    }

    @Test
    void gradientsMatchFiniteDifferencesOfTheStraightThroughSurrogate() {
        for (QuantScheme scheme : new QuantScheme[] {Schemes.asymmetric(4), Schemes.asymmetric(8), Schemes.symmetric(4)}) {
            double s = 0.5;
            double z = scheme.symmetric() ? 0 : 4.3;
            INDArray x = data();
            INDArray w = Nd4j.randn(DataType.DOUBLE, 5, 8);
            Map<String, INDArray> g = Graph.of(x, s, z, scheme, w).gradients();
            Surrogate surrogate = new Surrogate(x.ravel().toDoubleVector(), s, z, scheme, w.ravel().toDoubleVector());
            double h = 1e-6;
            double[] x0 = x.ravel().toDoubleVector();

            double numericS = (surrogate.loss(x0, s + h, z) - surrogate.loss(x0, s - h, z)) / (2 * h);
            double numericZ = (surrogate.loss(x0, s, z + h) - surrogate.loss(x0, s, z - h)) / (2 * h);

            assertThat(g.get("s").getDouble(0)).as("%s bits: d/ds", scheme.bits()).isCloseTo(numericS, within(1e-6 * Math.max(1, Math.abs(numericS))));
            // A symmetric scheme ignores the zero-point: it is not connected to the loss at all.
            double dz = g.get("z") == null ? 0 : g.get("z").getDouble(0);
            assertThat(g.get("z") == null).as("%s: zero-point disconnected", scheme.symmetric() ? "symmetric" : "asymmetric").isEqualTo(scheme.symmetric());
            assertThat(dz).as("%s bits: d/dz", scheme.bits()).isCloseTo(numericZ, within(1e-6 * Math.max(1, Math.abs(numericZ))));
            assertThat(Math.abs(numericS)).as("d/ds is not trivially zero").isGreaterThan(1e-3);
            for (int i = 0; i < x0.length; i++) {
                double[] plus = x0.clone();
                double[] minus = x0.clone();
                plus[i] += h;
                minus[i] -= h;
                double numericX = (surrogate.loss(plus, s, z) - surrogate.loss(minus, s, z)) / (2 * h);
                assertThat(g.get("x").getDouble(i)).as("%s bits: d/dx[%d]", scheme.bits(), i).isCloseTo(numericX, within(1e-6));
            }
        }
    }

    @Test
    void theScaleGradientOfClippedValuesMatchesFiniteDifferencesOfTheRealForwardPass() {
        // Every value lies beyond the grid, so x̂ = (qmin − z)·s or (qmax − z)·s: linear in s, no rounding involved.
        QuantScheme scheme = Schemes.asymmetric(4);
        INDArray x = Nd4j.createFromArray(-9.0, -5.5, 12.0, 30.0, -20.0);
        INDArray w = Nd4j.createFromArray(0.5, -2.0, 1.5, 3.0, -0.25);
        Graph graph = Graph.of(x, 0.5, 4, scheme, w);

        Map<String, INDArray> g = graph.gradients();

        double expected = 0.5 * -4 - 2.0 * -4 + 1.5 * 11 + 3.0 * 11 - 0.25 * -4;
        assertThat(g.get("s").getDouble(0)).isCloseTo(expected, within(1e-12));
        assertThat(graph.centralDifference("s", 0, 1e-6)).isCloseTo(expected, within(1e-6));
        assertThat(g.get("z").getDouble(0)).isCloseTo(-0.5 * (0.5 - 2.0 + 1.5 + 3.0 - 0.25), within(1e-12));
    }

    @Test
    void gradientDescentOnTheSquaredErrorWidensAScaleThatClipsTooMuch() {
        INDArray x = Nd4j.linspace(-4, 4, 81, DataType.DOUBLE);
        SameDiff sd = SameDiff.create();
        SDVariable s = sd.var("s", Nd4j.scalar(0.01)); // 8-bit grid spans only [−1.28, 1.27]
        SDVariable z = sd.var("z", Nd4j.scalar(128.0));
        SDVariable input = sd.constant("x", x);
        SDVariable error = QUANTIZER.fakeQuantize(input, s, z, Schemes.asymmetric(8), true).sub(input);
        error.mul(error).sum().rename("loss");
        sd.setLossVariables("loss");

        Map<String, INDArray> g = sd.calculateGradients(Map.of(), "s", "z");

        assertThat(g.get("s").getDouble(0)).as("dL/ds").isLessThan(0);
    }
}
