package dev.brine.ndarray;

/**
 * Equality and hashing of x87 80-bit long doubles ({@code f16}/{@code f12}, and the halves of
 * {@code c32}/{@code c24}) on their exact value: a double holds only 53 of their 64 mantissa bits, so
 * comparing through it would make {@code 1} and {@code 1 + finfo(longdouble).eps} equal.
 *
 * <p>The same rule as {@link Double#equals} applied to 80 bits: every NaN equals every NaN, and
 * {@code -0} differs from {@code +0}. Padding bytes take no part. Two encodings that the x87 reads as
 * one value are one: a pseudo-denormal (exponent field 0, integer bit set) is the normal number of
 * exponent field 1 it stands for, and the encodings the x87 refuses as operands (pseudo-NaN,
 * pseudo-infinity, unnormals: integer bit clear above exponent field 0) are NaN, as its comparisons
 * treat them.
 */
final class ExtendedValues {
    private static final long INTEGER_BIT = Long.MIN_VALUE;
    private static final int EXPONENT_ONES = 0x7FFF;

    private ExtendedValues() {
    }

    /** Whether the long doubles of {@code size} bytes at {@code pa} and {@code pb} are equal as above. */
    static boolean equal(int size, boolean bigEndian, Storage a, long pa, Storage b, long pb) {
        long ma = Elements.extendedMantissa(size, a, pa, bigEndian);
        int sa = Elements.extendedSignExp(size, a, pa, bigEndian);
        long mb = Elements.extendedMantissa(size, b, pb, bigEndian);
        int sb = Elements.extendedSignExp(size, b, pb, bigEndian);
        return canonicalMantissa(ma, sa) == canonicalMantissa(mb, sb) && canonicalSignExp(ma, sa) == canonicalSignExp(mb, sb);
    }

    /** A hash consistent with {@link #equal}. */
    static int hash(int size, boolean bigEndian, Storage s, long pos) {
        long m = Elements.extendedMantissa(size, s, pos, bigEndian);
        int se = Elements.extendedSignExp(size, s, pos, bigEndian);
        return 31 * Long.hashCode(canonicalMantissa(m, se)) + canonicalSignExp(m, se);
    }

    private static boolean isNaN(long mantissa, int signExp) {
        int e = signExp & EXPONENT_ONES;
        if (e == EXPONENT_ONES) {
            return mantissa != INTEGER_BIT; // only 1.000... with the integer bit is an infinity
        }
        return e != 0 && (mantissa & INTEGER_BIT) == 0; // an unnormal
    }

    private static long canonicalMantissa(long mantissa, int signExp) {
        return isNaN(mantissa, signExp) ? INTEGER_BIT | (1L << 62) : mantissa;
    }

    private static int canonicalSignExp(long mantissa, int signExp) {
        if (isNaN(mantissa, signExp)) {
            return EXPONENT_ONES;
        }
        if ((signExp & EXPONENT_ONES) == 0 && (mantissa & INTEGER_BIT) != 0) {
            return signExp | 1; // a pseudo-denormal is worth 2^-16382 times its mantissa, as exponent field 1
        }
        return signExp;
    }
}
