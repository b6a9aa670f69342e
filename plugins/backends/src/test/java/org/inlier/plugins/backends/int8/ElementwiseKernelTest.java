package org.inlier.plugins.backends.int8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.Arrays;
import java.util.Random;
import org.inlier.api.quant.QuantParams;
import org.inlier.api.quant.QuantScheme;
import org.junit.jupiter.api.Test;

/**
 * The Vector API element-wise kernel against the scalar one, its definition, on random inputs with
 * the edge values mixed in, at lengths that leave a tail beside the vectors: quantizing, int8
 * operands, dequantising and requantising agree exactly; GELU and softmax, whose exponentials come from the vector intrinsic,
 * to within one float ulp.
 */
class ElementwiseKernelTest {

    private static final int[] LENGTHS = {1, 7, 16, 37, 384, 1000};
    private final ElementwiseKernel scalar = new ScalarElementwiseKernel();
    private final ElementwiseKernel vector = new VectorElementwiseKernel();
    private final Random random = new Random(17);

    @Test
    void quantizingEqualsTheScalarDefinitionIncludingTiesOverflowNaNAndSubnormals() {
        float[] edges = {0f, -0f, 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 1e-30f, 0x1p22f, -0x1p22f, 0x1p23f, 1e30f, -1e30f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE,
            1e-40f, -1e-40f, Float.MIN_NORMAL, -Float.MIN_NORMAL};
        // The last two grids are as fine as the flush of subnormals allows, and finer (where it must not happen).
        for (ActivationGrid grid : new ActivationGrid[] {grid(0.5, 128, 0, 255), grid(0.0173, 3, 0, 255), grid(0.25, 0, -128, 127),
            grid(0x1p-125, 5, 0, 255), grid(0x1p-127, 5, 0, 255)}) {
            for (int n : LENGTHS) {
                float[] x = new float[n];
                for (int i = 0; i < n; i++) {
                    // Half the values are exact multiples of half a step: ties of the rounding.
                    x[i] = i % 5 == 0 ? edges[random.nextInt(edges.length)]
                            : i % 2 == 0 ? (random.nextInt(600) - 300) * 0.5f * grid.scale() : (float) random.nextGaussian() * 3;
                }
                int[] expected = new int[n];
                int[] actual = new int[n];
                scalar.quantize(x, expected, grid);
                vector.quantize(x, actual, grid);
                assertThat(actual).as("n = %d, %s", n, Arrays.toString(x)).containsExactly(expected);
            }
        }
    }

    @Test
    void int8OperandsEqualTheScalarDefinitionAndALevelOffTheGridAnywhereIsReported() {
        for (int n : LENGTHS) {
            int[] levels = random.ints(n, 0, 256).toArray();
            byte[] expected = new byte[n];
            byte[] actual = new byte[n];
            assertThat(scalar.toInt8(levels, 128, 0, 255, expected)).isTrue();
            assertThat(vector.toInt8(levels, 128, 0, 255, actual)).isTrue();
            assertThat(actual).containsExactly(expected);
            assertThat(actual[0]).isEqualTo((byte) (levels[0] - 128));
            for (int at : new int[] {0, n / 2, n - 1}) { // in a vector or in the tail
                for (int offGrid : new int[] {-1, 256}) {
                    int[] wrong = levels.clone();
                    wrong[at] = offGrid;
                    assertThat(scalar.toInt8(wrong, 128, 0, 255, expected)).as("n = %d, at %d", n, at).isFalse();
                    assertThat(vector.toInt8(wrong, 128, 0, 255, actual)).as("n = %d, at %d", n, at).isFalse();
                }
            }
        }
    }

    @Test
    void dequantisingEqualsTheScalarDefinitionPerColumn() {
        for (int columns : new int[] {1, 3, 8, 37, 384}) {
            double[] scale = random.doubles(columns, 1e-6, 1e-2).toArray();
            float[] bias = new float[columns];
            for (int j = 0; j < columns; j++) {
                bias[j] = (float) random.nextGaussian();
            }
            int[] acc = random.ints(5 * columns, -3_000_000, 3_000_000).toArray();
            acc[0] = Integer.MIN_VALUE;
            acc[acc.length - 1] = Integer.MAX_VALUE;
            float[] expected = new float[acc.length];
            float[] actual = new float[acc.length];
            scalar.dequantise(acc, scale, bias, expected);
            vector.dequantise(acc, scale, bias, actual);
            assertThat(actual).as("%d columns", columns).containsExactly(expected);
            int last = columns - 1; // row 1's last column, by hand
            assertThat(expected[columns + last]).isEqualTo((float) (acc[columns + last] * scale[last]) + bias[last]);
        }
    }

    @Test
    void requantisingEqualsTheScalarDefinitionPerColumnAndPerTensor() {
        for (int columns : new int[] {3, 8, 32, 37, 384}) {
            FixedPointMultiplier[] multipliers = new FixedPointMultiplier[columns];
            long[] addends = new long[columns];
            for (int j = 0; j < columns; j++) {
                multipliers[j] = FixedPointMultiplier.of(Math.scalb(0.5 + random.nextDouble(), -random.nextInt(20)));
                addends[j] = multipliers[j].addend(random.nextGaussian() * 10);
            }
            Requantisation perColumn = new Requantisation(multipliers, addends, 7, 0, 255);
            Requantisation perTensor = Requantisation.perTensor(multipliers[0], columns, grid(0.1, 128, 0, 255));
            for (Requantisation r : new Requantisation[] {perColumn, perTensor}) {
                int[] acc = new int[columns * 5];
                for (int i = 0; i < acc.length; i++) {
                    acc[i] = i % 7 == 0 ? new int[] {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}[random.nextInt(5)]
                            : random.nextInt(1 << (1 + random.nextInt(30))) - (1 << 14);
                }
                int[] expected = acc.clone();
                scalar.requantise(expected, r);
                vector.requantise(acc, r);
                assertThat(acc).as("%d columns", columns).containsExactly(expected);
            }
        }
    }

    @Test
    void gelusMatchTheScalarDefinitionToAnUlp() {
        for (int n : LENGTHS) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = i % 9 == 0 ? new float[] {0f, -0f, 1e-20f, -8f, 8f, 40f, -40f}[random.nextInt(7)] : (float) random.nextGaussian() * 4;
            }
            float[] expected = x.clone();
            float[] actual = x.clone();
            scalar.erfGelu(expected);
            vector.erfGelu(actual);
            assertWithinAnUlp(actual, expected, "erf GELU");
            expected = x.clone();
            actual = x.clone();
            scalar.sigmoidGelu(expected);
            vector.sigmoidGelu(actual);
            assertWithinAnUlp(actual, expected, "sigmoid GELU");
        }
    }

    @Test
    void softmaxMatchesTheScalarDefinitionToAnUlpWithMaskedKeys() {
        for (int cols : LENGTHS) {
            int rows = 3;
            float[] x = new float[rows * cols];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian() * 5 + (i % 4 == 3 ? -1e9f : 0);
            }
            float[] expected = x.clone();
            float[] actual = x.clone();
            scalar.softmaxRows(expected, rows, cols);
            vector.softmaxRows(actual, rows, cols);
            assertWithinAnUlp(actual, expected, "softmax");
        }
    }

    private static void assertWithinAnUlp(float[] actual, float[] expected, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("%s element %d", what, i).isCloseTo(expected[i], offset(Math.ulp(expected[i])));
        }
    }

    private static ActivationGrid grid(double scale, long zeroPoint, int qmin, int qmax) {
        QuantScheme scheme = qmin < 0 ? QuantScheme.symmetricPerTensor(8) : QuantScheme.asymmetricPerTensor(8);
        return ActivationGrid.of("x", new QuantParams(scheme, new double[] {scale}, new long[] {zeroPoint}));
    }
}
