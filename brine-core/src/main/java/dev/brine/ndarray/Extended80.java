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
    static final int BIAS = 16383;
    private static final BigInteger TWO_63 = BigInteger.ONE.shiftLeft(63);
        /** The exponent of the mantissa's last bit for the smallest exponent field (and denormals). */
    private static final int MIN_E = 1 - BIAS - 63;

    private Extended80() {
    }

    /** The mantissa of the x87's default NaN (the "real indefinite"): integer bit and quiet bit. */
    static final long INDEFINITE_MANTISSA = 0xC000000000000000L;

    /**
     * Whether the x87 refuses this encoding as an operand: the integer bit clear while the exponent field
     * is not 0 (an unnormal, a pseudo-NaN, a pseudo-infinity). Arithmetic never makes one; loading one is an
     * invalid operation that gives NaN, and so numpy on x86-64 reads it (float(), casts, its array repr).
     */
    static boolean isInvalid(long mantissa, int signExp) {
        return (signExp & 0x7FFF) != 0 && mantissa >= 0;
    }

    /** The mantissa the x87 reads an encoding as: the indefinite NaN's for an {@linkplain #isInvalid invalid} one. */
    static long valueMantissa(long mantissa, int signExp) {
        return isInvalid(mantissa, signExp) ? INDEFINITE_MANTISSA : mantissa;
    }

    /** The sign and exponent the x87 reads an encoding as: a NaN's (all-ones exponent) for an invalid one. */
    static int valueSignExp(long mantissa, int signExp) {
        return isInvalid(mantissa, signExp) ? signExp | 0x7FFF : signExp;
    }

    /** Whether the value is NaN or an infinity (the exponent field all ones). */
    static boolean isSpecial(int signExp) {
        return (signExp & 0x7FFF) == 0x7FFF;
    }

    static boolean isNegative(int signExp) {
        return (signExp & 0x8000) != 0;
    }

    /**
     * The shortest decimal that reads back as this finite, non-zero magnitude. For a normal value beyond 2^±200 it is
     * found on 46-digit floors of the value and of the
     * bounds of what reads back as it, some 20 times faster than {@link #exactShortest} (which works on the exact value's thousands of
     * digits; 20,000 values agreed): a candidate of up to 21 digits is never one of those bounds there (they are odd multiples of
     * 2^(e-2), whose decimals run longer), so a floor and whether it was exact order it against them exactly.
     */
    static BigDecimal shortest(long mantissa, int signExp) {
        int e = (signExp & 0x7FFF) - BIAS - 63;
        if (Math.abs(e) <= 200 || (signExp & 0x7FFF) <= 1 || mantissa >= 0) { // near 1, denormal or not normalized
            return exactShortest(mantissa, signExp);
        }
        BigInteger m4 = new BigInteger(Long.toUnsignedString(mantissa)).shiftLeft(2); // the value in units of 2^(e-2)
        boolean halfGapBelow = mantissa == Long.MIN_VALUE; // at a power of two the long double below is half as far
        int q = (int) Math.floor((63 + e) * 0.30102999566398120) - 45;
        BigInteger tenQ = BigInteger.TEN.pow(Math.abs(q));
        BigInteger[] value = scaledFloor(m4, e - 2, q, tenQ);
        BigInteger[] low = scaledFloor(m4.subtract(BigInteger.valueOf(halfGapBelow ? 1 : 2)), e - 2, q, tenQ);
        BigInteger[] high = scaledFloor(m4.add(BigInteger.TWO), e - 2, q, tenQ);
        int k = value[0].toString().length() - 1 + q; // the value's decimal exponent: a floor keeps the digits before the point
        for (int p = 1; p <= 21; p++) {
            BigInteger unit = BigInteger.TEN.pow(k - p + 1 - q);
            BigInteger[] dr = value[0].divideAndRemainder(unit);
            int half = dr[1].shiftLeft(1).compareTo(unit);
            boolean up = half > 0 || (half == 0 && (value[1].signum() != 0 || dr[0].testBit(0)));
            BigInteger nearest = up ? dr[0].add(BigInteger.ONE) : dr[0];
            if (inside(nearest.multiply(unit), low, high)) {
                return new BigDecimal(nearest, -(k - p + 1));
            }
            BigInteger ceiling = dr[1].signum() != 0 || value[1].signum() != 0 ? dr[0].add(BigInteger.ONE) : dr[0];
            if (!ceiling.equals(nearest) && inside(ceiling.multiply(unit), low, high)) {
                return new BigDecimal(ceiling, -(k - p + 1));
            }
        }
        return exactShortest(mantissa, signExp);
    }

    /** Whether c lies strictly between the bounds given as {floor, non-zero where inexact}. */
    private static boolean inside(BigInteger c, BigInteger[] low, BigInteger[] high) {
        boolean aboveLow = c.compareTo(low[0]) > 0;
        boolean belowHigh = high[1].signum() != 0 ? c.compareTo(high[0]) <= 0 : c.compareTo(high[0]) < 0;
        return aboveLow && belowHigh;
    }

    /** {floor(t * 2^e / 10^q), 1 where that dropped something else 0}; {@code tenQ} is 10^|q|. */
    private static BigInteger[] scaledFloor(BigInteger t, int e, int q, BigInteger tenQ) {
        BigInteger num = t.shiftLeft(Math.max(e, 0));
        BigInteger den = BigInteger.ONE.shiftLeft(Math.max(-e, 0));
        if (q >= 0) {
            den = den.multiply(tenQ);
        } else {
            num = num.multiply(tenQ);
        }
        BigInteger[] qr = den.bitCount() == 1 ? new BigInteger[] {num.shiftRight(den.bitLength() - 1),
            num.getLowestSetBit() < den.bitLength() - 1 ? BigInteger.ONE : BigInteger.ZERO} : num.divideAndRemainder(den);
        return new BigInteger[] {qr[0], qr[1].signum() != 0 ? BigInteger.ONE : BigInteger.ZERO};
    }

    /**
     * {@link #shortest} on the exact value: the nearest of each length
     * first, then (at a power of two, where the gap below is half the gap above) the one above it. All in
     * integers scaled to the value's own powers of two and ten, so that a value near the ends of the range
     * (a decimal of some 5,000 digits) costs a few multiplications per length, not decimal divisions.
     */
    private static BigDecimal exactShortest(long mantissa, int signExp) {
        long[] n = normalized(new BigInteger(Long.toUnsignedString(mantissa)), lastBitExponent(signExp));
        BigInteger m = new BigInteger(Long.toUnsignedString(n[0]));
        int e = (int) n[1];
        int k = decimalExponent(m, e);
        BigInteger tenK = BigInteger.TEN.pow(Math.abs(k));
        for (int p = 1; p <= 21; p++) {
            int q = k - p + 1;
            BigInteger tenQ = q >= 0 ? tenK.divide(BigInteger.TEN.pow(p - 1)) : (k >= 0 ? BigInteger.TEN.pow(-q)
                    : tenK.multiply(BigInteger.TEN.pow(p - 1)));
            // value / 10^q = num / den
            BigInteger num = m.shiftLeft(Math.max(e, 0));
            BigInteger den = BigInteger.ONE.shiftLeft(Math.max(-e, 0));
            if (q >= 0) {
                den = den.multiply(tenQ);
            } else {
                num = num.multiply(tenQ);
            }
            BigInteger[] qr = num.divideAndRemainder(den);
            int half = qr[1].shiftLeft(1).compareTo(den);
            BigInteger nearest = half > 0 || (half == 0 && qr[0].testBit(0)) ? qr[0].add(BigInteger.ONE) : qr[0];
            if (readsBack(nearest, q, tenQ, m, e)) {
                return new BigDecimal(nearest, -q);
            }
            BigInteger up = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
            if (!up.equals(nearest) && readsBack(up, q, tenQ, m, e)) {
                return new BigDecimal(up, -q);
            }
        }
        return new BigDecimal(m).multiply(e >= 0 ? new BigDecimal(BigInteger.ONE.shiftLeft(e))
                : BigDecimal.ONE.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-e))))
                .round(new MathContext(21, RoundingMode.HALF_EVEN));
    }

    /** floor(log10(m * 2^e)), m > 0. */
    private static int decimalExponent(BigInteger m, int e) {
        int k = (int) Math.floor((m.bitLength() - 1 + e) * 0.30102999566398120);
        while (compareToPowerOfTen(m, e, k) < 0) {
            k--;
        }
        while (compareToPowerOfTen(m, e, k + 1) >= 0) {
            k++;
        }
        return k;
    }

    /** The sign of m * 2^e - 10^k. */
    private static int compareToPowerOfTen(BigInteger m, int e, int k) {
        BigInteger left = m.shiftLeft(Math.max(e, 0));
        BigInteger right = BigInteger.ONE.shiftLeft(Math.max(-e, 0));
        if (k >= 0) {
            right = right.multiply(BigInteger.TEN.pow(k));
        } else {
            left = left.multiply(BigInteger.TEN.pow(-k));
        }
        return left.compareTo(right);
    }

    /**
     * Whether d * 10^q reads back as m * 2^e: within half the gap to each neighbour (the gap below is half
     * as wide at a power of two above the smallest exponent), a tie going to the even mantissa. Compared
     * as integers: everything times 2^max(2-e, 0) * 10^max(-q, 0).
     */
    private static boolean readsBack(BigInteger d, int q, BigInteger tenQ, BigInteger m, int e) {
        BigInteger c = d.shiftLeft(Math.max(2 - e, 0));
        BigInteger v = m.shiftLeft(Math.max(e + Math.max(2 - e, 0), 0));
        int halfShift = e - 1 + Math.max(2 - e, 0);
        BigInteger halfUp = BigInteger.ONE.shiftLeft(halfShift);
        if (q >= 0) {
            c = c.multiply(tenQ);
        } else {
            v = v.multiply(tenQ);
            halfUp = halfUp.multiply(tenQ);
        }
        boolean lowerHalved = m.equals(TWO_63) && e > MIN_E;
        int cmp = c.compareTo(v);
        BigInteger gap = cmp >= 0 ? c.subtract(v) : v.subtract(c);
        BigInteger half = cmp < 0 && lowerHalved ? halfUp.shiftRight(1) : halfUp;
        int against = gap.compareTo(half);
        return against < 0 || (against == 0 && !m.testBit(0));
    }

    private static int lastBitExponent(int signExp) {
        int e = signExp & 0x7FFF;
        return (e == 0 ? 1 : e) - BIAS - 63;
    }

    /** (mantissa, exponent of its last bit) with the mantissa's top bit set, or as a denormal's at MIN_E. */
    private static long[] normalized(BigInteger m, int e) {
        while (m.signum() != 0 && m.compareTo(TWO_63) < 0 && e > MIN_E) {
            m = m.shiftLeft(1);
            e--;
        }
        return new long[] {m.longValue(), e};
    }
}
