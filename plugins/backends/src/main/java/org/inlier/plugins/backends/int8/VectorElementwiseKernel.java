package org.inlier.plugins.backends.int8;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-wise kernel on the JDK Vector API, lane by lane the same operations in the same
 * order as {@link ScalarElementwiseKernel} (elements that do not fill a vector go through it):
 *
 * <ul>
 *   <li>quantizing divides (a multiplication by the reciprocal would round differently) and
 *       rounds half to even by adding and subtracting 1.5·2²³, exact for |v| ≤ 2²²; larger values
 *       are clamped to ±2²² first, which changes nothing once the level is clamped to its grid;</li>
 *   <li>requantisation is {@link FixedPointMultiplier#apply(int, long)} in 64-bit lanes;</li>
 *   <li>GELU's erf and softmax's exponentials are taken in double lanes, as {@link Math#exp} in
 *       the scalar code, with the vector {@code EXP} (an SVML intrinsic on x86), which may differ
 *       from {@code Math.exp} in the last bit of a double;</li>
 *   <li>softmax's row sum is still taken left to right in scalar code, so it rounds as the scalar
 *       sum does.</li>
 * </ul>
 *
 * <p>Loading this class needs {@code jdk.incubator.vector}; {@link ElementwiseKernel#FASTEST} falls back to
 * {@link ScalarElementwiseKernel} without it.
 */
final class VectorElementwiseKernel implements ElementwiseKernel {

    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    /** As many float lanes as double lanes, for work widened to double. */
    private static final VectorSpecies<Float> HALF_FLOATS = VectorSpecies.of(float.class, VectorShape.forBitSize(DOUBLES.length() * Float.SIZE));
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    /** As many byte lanes as int lanes. */
    private static final VectorSpecies<Byte> QUARTER_BYTES = VectorSpecies.of(byte.class, VectorShape.forBitSize(INTS.length() * Byte.SIZE));
    private static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    /** As many int lanes as long lanes. */
    private static final VectorSpecies<Integer> HALF_INTS = VectorSpecies.of(int.class, VectorShape.forBitSize(LONGS.length() * Integer.SIZE));
    /** Adding and subtracting 1.5·2²³ rounds a float of magnitude ≤ 2²² to an integer, half to even. */
    private static final float ROUNDING = 0x1.8p23f;
    private static final int ROUNDING_BITS = Float.floatToRawIntBits(ROUNDING);
    private static final float ROUNDABLE = 0x1p22f;
    /**
     * Grids with a scale of at least 2⁻¹²⁵ send every subnormal (|x| < 2⁻¹²⁶) to their zero-point, since
     * |x / s| < ½. Quantizing flushes subnormals to zero on such grids: on x86 each vector with a subnormal
     * lane takes a microcode assist in the division (measured: 2.4× slower with one lane in 64), and
     * softmax and GELU outputs are full of them.
     */
    private static final float FLUSHABLE_SCALE = 0x1p-125f;
    private static final int EXPONENT_BITS = 0x7f800000;
    private static final float SQRT_HALF = (float) Math.sqrt(0.5);
    private static final float SIGMOID_GELU_SLOPE = 1.702f;

    @Override
    public void quantize(float[] values, int[] levels, ActivationGrid grid) {
        float scale = grid.scale();
        float zeroPoint = grid.zeroPoint();
        float qmin = grid.qmin();
        float qmax = grid.qmax();
        // Every subnormal value rounds to the zero-point on a grid this coarse, so it may become 0 first.
        int bound = scale >= FLUSHABLE_SCALE ? FLOATS.loopBound(values.length) : 0;
        int i = 0;
        for (; i < bound; i += FLOATS.length()) {
            FloatVector scaled = flushSubnormals(FloatVector.fromArray(FLOATS, values, i)).div(scale).max(-ROUNDABLE).min(ROUNDABLE);
            FloatVector level = scaled.add(ROUNDING).sub(ROUNDING).add(zeroPoint).max(qmin).min(qmax);
            level = level.blend(0f, level.test(VectorOperators.IS_NAN)); // as the scalar (int) NaN
            // The integer-valued level plus 1.5·2²³ holds the level in its low mantissa bits: an int
            // without F2I, which JDK 17's C2 does not compile to vector code (its fallback was slower than scalar).
            level.add(ROUNDING).reinterpretAsInts().sub(ROUNDING_BITS).intoArray(levels, i);
        }
        for (; i < values.length; i++) {
            levels[i] = grid.level(values[i]);
        }
    }

    /** {@code x} with its subnormal lanes set to +0, by integer operations on the bits (which take no assist). */
    private static FloatVector flushSubnormals(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        return bits.blend(0, bits.and(EXPONENT_BITS).compare(VectorOperators.EQ, 0)).reinterpretAsFloats();
    }

    @Override
    public boolean toInt8(int[] levels, int shift, int min, int max, byte[] bytes) {
        IntVector lowest = IntVector.broadcast(INTS, min);
        IntVector highest = IntVector.broadcast(INTS, max);
        int bound = INTS.loopBound(levels.length);
        int i = 0;
        for (; i < bound; i += INTS.length()) {
            IntVector level = IntVector.fromArray(INTS, levels, i);
            lowest = lowest.min(level);
            highest = highest.max(level);
            ((ByteVector) level.sub(shift).convertShape(VectorOperators.I2B, QUARTER_BYTES, 0)).intoArray(bytes, i);
        }
        boolean inRange = lowest.reduceLanes(VectorOperators.MIN) >= min && highest.reduceLanes(VectorOperators.MAX) <= max;
        return ScalarElementwiseKernel.toInt8(levels, i, shift, min, max, bytes) && inRange;
    }

    @Override
    public void requantise(int[] acc, Requantisation r) {
        int columns = r.columns();
        int bound = LONGS.loopBound(columns);
        for (int o = 0; o < acc.length; o += columns) {
            int j = 0;
            for (; j < bound; j += LONGS.length()) {
                LongVector value = (LongVector) IntVector.fromArray(HALF_INTS, acc, o + j).convertShape(VectorOperators.I2L, LONGS, 0);
                LongVector shift = LongVector.fromArray(LONGS, r.shift, j);
                LongVector product = value.mul(LongVector.fromArray(LONGS, r.multiplier, j))
                        .add(LongVector.fromArray(LONGS, r.addends, j));
                LongVector floor = product.lanewise(VectorOperators.ASHR, shift);
                LongVector remainder = product.sub(floor.lanewise(VectorOperators.LSHL, shift));
                LongVector half = LongVector.broadcast(LONGS, 1L).lanewise(VectorOperators.LSHL, shift.sub(1));
                LongVector up = half.sub(remainder).sub(floor.and(1L)).lanewise(VectorOperators.LSHR, 63);
                LongVector level = floor.add(up).add(r.zero).max(r.min).min(r.max);
                ((IntVector) level.convertShape(VectorOperators.L2I, HALF_INTS, 0)).intoArray(acc, o + j);
            }
            for (; j < columns; j++) {
                acc[o + j] = r.level(acc[o + j], j);
            }
        }
    }

    @Override
    public void dequantise(int[] acc, double[] scale, float[] bias, float[] y) {
        int columns = scale.length;
        int bound = DOUBLES.loopBound(columns);
        for (int o = 0; o < acc.length; o += columns) {
            int j = 0;
            for (; j < bound; j += DOUBLES.length()) {
                DoubleVector product = ((DoubleVector) IntVector.fromArray(HALF_INTS, acc, o + j).convertShape(VectorOperators.I2D, DOUBLES, 0))
                        .mul(DoubleVector.fromArray(DOUBLES, scale, j));
                ((FloatVector) product.convertShape(VectorOperators.D2F, HALF_FLOATS, 0)).add(FloatVector.fromArray(HALF_FLOATS, bias, j))
                        .intoArray(y, o + j);
            }
            for (; j < columns; j++) {
                y[o + j] = ScalarElementwiseKernel.dequantise(acc[o + j], scale[j], bias[j]);
            }
        }
    }

    @Override
    public void erfGelu(float[] x) {
        int bound = HALF_FLOATS.loopBound(x.length);
        int i = 0;
        for (; i < bound; i += HALF_FLOATS.length()) {
            FloatVector v = FloatVector.fromArray(HALF_FLOATS, x, i);
            FloatVector erf = (FloatVector) erf(widen(v.mul(SQRT_HALF))).convertShape(VectorOperators.D2F, HALF_FLOATS, 0);
            v.mul(erf.add(1f)).mul(0.5f).intoArray(x, i);
        }
        for (; i < x.length; i++) {
            x[i] = ScalarElementwiseKernel.erfGelu(x[i]);
        }
    }

    @Override
    public void sigmoidGelu(float[] x) {
        int bound = HALF_FLOATS.loopBound(x.length);
        int i = 0;
        for (; i < bound; i += HALF_FLOATS.length()) {
            FloatVector v = FloatVector.fromArray(HALF_FLOATS, x, i);
            FloatVector exp = (FloatVector) widen(v.mul(-SIGMOID_GELU_SLOPE)).lanewise(VectorOperators.EXP)
                    .convertShape(VectorOperators.D2F, HALF_FLOATS, 0);
            v.div(exp.add(1f)).intoArray(x, i);
        }
        for (; i < x.length; i++) {
            x[i] = ScalarElementwiseKernel.sigmoidGelu(x[i]);
        }
    }

    @Override
    public void softmaxRows(float[] x, int rows, int cols) {
        int maxBound = FLOATS.loopBound(cols);
        int expBound = HALF_FLOATS.loopBound(cols);
        for (int o = 0; o < rows * cols; o += cols) {
            int c = 0;
            float max = Float.NEGATIVE_INFINITY;
            for (; c < maxBound; c += FLOATS.length()) {
                max = Math.max(max, FloatVector.fromArray(FLOATS, x, o + c).reduceLanes(VectorOperators.MAX));
            }
            for (; c < cols; c++) {
                max = Math.max(max, x[o + c]);
            }
            for (c = 0; c < expBound; c += HALF_FLOATS.length()) {
                FloatVector shifted = FloatVector.fromArray(HALF_FLOATS, x, o + c).sub(max);
                ((FloatVector) widen(shifted).lanewise(VectorOperators.EXP).convertShape(VectorOperators.D2F, HALF_FLOATS, 0)).intoArray(x, o + c);
            }
            for (; c < cols; c++) {
                x[o + c] = (float) Math.exp(x[o + c] - max);
            }
            float sum = ScalarElementwiseKernel.sum(x, o, cols);
            for (c = 0; c < maxBound; c += FLOATS.length()) {
                FloatVector.fromArray(FLOATS, x, o + c).div(sum).intoArray(x, o + c);
            }
            for (; c < cols; c++) {
                x[o + c] /= sum;
            }
        }
    }

    @Override
    public String description() {
        return "Vector API element-wise ops (" + FLOATS.length() + " float lanes)";
    }

    private static DoubleVector widen(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLES, 0);
    }

    /** {@link ScalarElementwiseKernel#erf}, lane by lane. */
    private static DoubleVector erf(DoubleVector x) {
        DoubleVector z = x.abs();
        DoubleVector t = DoubleVector.broadcast(DOUBLES, 1).div(z.mul(0.5).add(1));
        double[] coefficients = ScalarElementwiseKernel.ERFC_COEFFICIENTS;
        DoubleVector polynomial = DoubleVector.broadcast(DOUBLES, coefficients[0]);
        for (int i = 1; i < coefficients.length; i++) {
            polynomial = t.mul(polynomial).add(coefficients[i]);
        }
        DoubleVector erfc = t.mul(z.mul(z).neg().add(ScalarElementwiseKernel.ERFC_OFFSET).add(t.mul(polynomial)).lanewise(VectorOperators.EXP));
        return erfc.neg().add(1).blend(erfc.sub(1), x.compare(VectorOperators.LT, 0));
    }
}
