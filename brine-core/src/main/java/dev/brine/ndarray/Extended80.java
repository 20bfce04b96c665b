package dev.brine.ndarray;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The x87 80-bit long double's decimal text, as numpy's scalar repr writes it: the shortest digits that
 * read back as the same 64-bit mantissa and exponent, found on the exact value (a double cannot hold
 * one: {@code np.longdouble('0.1')} and {@code np.longdouble(0.1)} are different numbers).
 */
final class Extended80 {
    private static final int BIAS = 16383;
    private static final BigInteger TWO_63 = BigInteger.ONE.shiftLeft(63);
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    /** The exponent of the mantissa's last bit for the smallest exponent field (and denormals). */
    private static final int MIN_E = 1 - BIAS - 63;

    private Extended80() {
    }

    /** Whether the value is NaN or an infinity (the exponent field all ones). */
    static boolean isSpecial(int signExp) {
        return (signExp & 0x7FFF) == 0x7FFF;
    }

    static boolean isNegative(int signExp) {
        return (signExp & 0x8000) != 0;
    }

    /** The exact magnitude of a finite value. */
    static BigDecimal magnitude(long mantissa, int signExp) {
        int e = lastBitExponent(signExp);
        BigDecimal m = new BigDecimal(new BigInteger(Long.toUnsignedString(mantissa)));
        return e >= 0 ? m.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(e)))
                : m.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-e))); // exact: a power of two divides
    }

    /**
     * The shortest decimal that reads back as this finite, non-zero magnitude: the nearest of each length
     * first, then (at a power of two, where the gap below is half the gap above) the one above it.
     */
    static BigDecimal shortest(long mantissa, int signExp) {
        BigDecimal exact = magnitude(mantissa, signExp);
        long[] target = normalized(new BigInteger(Long.toUnsignedString(mantissa)), lastBitExponent(signExp));
        for (int p = 1; p < 21; p++) {
            BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (same(r, target)) {
                return r;
            }
            BigDecimal up = exact.round(new MathContext(p, RoundingMode.UP));
            if (same(up, target)) {
                return up;
            }
        }
        return exact.round(new MathContext(21, RoundingMode.HALF_EVEN));
    }

    private static int lastBitExponent(int signExp) {
        int e = signExp & 0x7FFF;
        return (e == 0 ? 1 : e) - BIAS - 63;
    }

    private static boolean same(BigDecimal d, long[] target) {
        long[] r = nearest(d);
        return r[0] == target[0] && r[1] == target[1];
    }

    /** (mantissa, exponent of its last bit) with the mantissa's top bit set, or as a denormal's at MIN_E. */
    private static long[] normalized(BigInteger m, int e) {
        while (m.signum() != 0 && m.compareTo(TWO_63) < 0 && e > MIN_E) {
            m = m.shiftLeft(1);
            e--;
        }
        return new long[] {m.longValue(), e};
    }

    /** The long double nearest {@code d} (positive), ties to even, as (mantissa, exponent of its last bit). */
    private static long[] nearest(BigDecimal d) {
        BigInteger num = d.unscaledValue();
        BigInteger den = BigInteger.ONE;
        if (d.scale() > 0) {
            den = BigInteger.TEN.pow(d.scale());
        } else {
            num = num.multiply(BigInteger.TEN.pow(-d.scale()));
        }
        int e = Math.max(num.bitLength() - den.bitLength() - 64, MIN_E);
        while (true) {
            BigInteger n = e < 0 ? num.shiftLeft(-e) : num;
            BigInteger q = e > 0 ? den.shiftLeft(e) : den;
            BigInteger[] qr = n.divideAndRemainder(q);
            BigInteger m = qr[0];
            if (m.compareTo(TWO_64) >= 0) {
                e++;
                continue;
            }
            if (m.compareTo(TWO_63) < 0 && e > MIN_E) {
                e--;
                continue;
            }
            int half = qr[1].shiftLeft(1).compareTo(q);
            if (half > 0 || (half == 0 && m.testBit(0))) {
                m = m.add(BigInteger.ONE);
                if (m.equals(TWO_64)) {
                    return new long[] {TWO_63.longValue(), e + 1};
                }
            }
            return normalized(m, e);
        }
    }
}
