package org.inlier.plugins.backends.int8;

/**
 * A real multiplier {@code M} as an integer multiplier and a right shift, {@code M ≈ multiplier · 2^−shift}
 * with {@code multiplier} in {@code [2^30, 2^31)}: how int32 accumulators are requantised to the
 * next tensor's grid without floating point (the gemmlowp / TFLite scheme, Jacob et al. 2018, §2.2).
 * The 31-bit multiplier keeps the relative error of {@code M} below 2^−31.
 *
 * <p>{@link #apply} rounds half to even, like the fake-quant simulation's {@code rint}, so the
 * integer path and the simulation round ties the same way: 2.5 → 2, 3.5 → 4, −1.5 → −2.
 *
 * @param multiplier in {@code [2^30, 2^31)}
 * @param shift      in {@code [1, 62]}: {@code |acc · multiplier| < 2^62} then fits a long
 */
public record FixedPointMultiplier(int multiplier, int shift) {

    private static final int MIN_SHIFT = 1;
    private static final int MAX_SHIFT = 62;

    public FixedPointMultiplier {
        if (multiplier < (1 << 30)) {
            throw new IllegalArgumentException("multiplier must be in [2^30, 2^31), got " + multiplier);
        }
        if (shift < MIN_SHIFT || shift > MAX_SHIFT) {
            throw new IllegalArgumentException("shift must be in [" + MIN_SHIFT + ", " + MAX_SHIFT + "], got " + shift);
        }
    }

    /**
     * The closest fixed-point form of {@code real}.
     *
     * @throws IllegalArgumentException if {@code real} is not positive and finite, or lies outside
     *                                  {@code [2^−32, 2^29]} (no scale ratio of a sane model does)
     */
    public static FixedPointMultiplier of(double real) {
        if (!(real > 0) || Double.isInfinite(real)) {
            throw new IllegalArgumentException("a requantisation multiplier must be positive and finite, got " + real);
        }
        int exponent = Math.getExponent(real); // real = 1.f · 2^exponent
        long multiplier = Math.round(Math.scalb(real, 30 - exponent));
        if (multiplier == 1L << 31) { // 1.f rounded up to 2
            multiplier >>= 1;
            exponent++;
        }
        int shift = 30 - exponent;
        if (shift < MIN_SHIFT || shift > MAX_SHIFT) {
            throw new IllegalArgumentException("requantisation multiplier " + real + " is outside [2^-32, 2^29]");
        }
        return new FixedPointMultiplier((int) multiplier, shift);
    }

    /**
     * {@code round((value · multiplier + addend) · 2^−shift)}, halves to even: a multiply-add in one
     * rounding, with a real offset given in units of {@code 2^−shift} by {@link #addend} (0: none).
     */
    public long apply(int value, long addend) {
        long product = (long) value * multiplier + addend;
        long floor = product >> shift; // arithmetic shift: rounds toward −∞, so the remainder is in [0, 2^shift)
        long remainder = product - (floor << shift);
        long half = 1L << (shift - 1);
        // Round up when remainder > half, or remainder == half and floor is odd: exactly when
        // remainder + (floor & 1) > half. Without a branch (ties and odd floors are data-dependent,
        // and this runs once per output element): the sign bit of half − remainder − (floor & 1).
        return floor + ((half - remainder - (floor & 1)) >>> 63);
    }

    /**
     * A real offset in units of {@code 2^−shift}, for {@link #apply(int, long)}: {@code real} is
     * represented to {@code 2^−shift}, far finer than one output level.
     *
     * @throws IllegalArgumentException if {@code |real| · 2^shift} reaches 2^61, so that the sum could overflow a long
     */
    public long addend(double real) {
        double scaled = Math.scalb(real, shift);
        if (!(Math.abs(scaled) < 0x1p61)) {
            throw new IllegalArgumentException("offset " + real + " is too large for a fixed-point multiply-add with shift " + shift);
        }
        return Math.round(scaled);
    }

    /** The real multiplier this form represents. */
    public double value() {
        return Math.scalb((double) multiplier, -shift);
    }
}
