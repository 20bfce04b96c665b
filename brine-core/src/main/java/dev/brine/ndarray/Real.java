package dev.brine.ndarray;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A float element's value as the array repr needs it: nan, an infinity or a finite magnitude with its sign,
 * the magnitude both exactly and as the shortest digits that read back in the element's own type. A long
 * double's magnitude may lie beyond a double's range (1e400, 1e-4940), so it is taken from the 80 bits
 * themselves, never through a double.
 */
final class Real {
    private static final int EXTENDED_BIAS = 16383;
    /** Digits kept of a long double's magnitude far from 1: more than any rounding of the repr (9, or 21) needs. */
    private static final int KEPT_DIGITS = 40;

    private final DType type;
    /** The value, for types up to 8 bytes; for a long double, its nearest double (its class and sign only). */
    private final double approx;
    private final boolean extended;
    private final long mantissa;
    private final int signExp;
    private BigDecimal exact;
    private BigDecimal shortest;

    private Real(DType type, double approx, boolean extended, long mantissa, int signExp) {
        this.type = type;
        this.approx = approx;
        this.extended = extended;
        this.mantissa = mantissa;
        this.signExp = signExp;
    }

    /** The value {@code v} of a float type of up to 8 bytes (or a Brine-only float), which a double holds exactly. */
    static Real of(double v, DType type) {
        return new Real(type, v, false, 0, 0);
    }

    /** The element of float type {@code t} at byte {@code pos} of {@code s}. */
    static Real read(DType t, Storage s, long pos) {
        if (!Elements.isExtended(t)) {
            return of(Elements.getDouble(t, s, pos), t);
        }
        boolean be = t.byteOrderChar() == '>';
        long m = Elements.extendedMantissa(t.itemsize(), s, pos, be);
        int se = Elements.extendedSignExp(t.itemsize(), s, pos, be);
        return new Real(t, Floats.extendedToDouble(m, se), true, m, se);
    }

    /** Whether this is a long double, whose magnitude is compared as a decimal rather than as a double. */
    boolean isExtended() {
        return extended;
    }

    boolean isNaN() {
        return Double.isNaN(approx);
    }

    boolean isFinite() {
        return extended ? !Extended80.isSpecial(signExp) : Double.isFinite(approx);
    }

    boolean isInfinite() {
        return !isFinite() && !isNaN();
    }

    /** Whether the sign bit is set (-0 too). */
    boolean negative() {
        return extended ? Extended80.isNegative(signExp) : approx < 0 || (approx == 0 && 1 / approx < 0);
    }

    boolean isZero() {
        return extended ? isFinite() && mantissa == 0 : approx == 0;
    }

    /**
     * The exact magnitude of a finite value, or for a long double far from 1 (whose exact decimal runs to thousands
     * of digits, some milliseconds each to round) one as good for rounding to fewer than {@value #KEPT_DIGITS}
     * digits and for comparing: its first digits, and a last 1 where digits were dropped.
     */
    BigDecimal exact() {
        if (exact == null) {
            exact = extended ? extendedMagnitude() : new BigDecimal(approx).abs();
        }
        return exact;
    }

    /** The shortest digits that read back as this finite magnitude in its own type. */
    BigDecimal shortest() {
        if (shortest == null) {
            shortest = isZero() ? BigDecimal.ZERO
                    : extended ? extendedShortest() : ArrayFormatter.shortest(approx, type).abs();
        }
        return shortest;
    }

    /**
     * Extended80's shortest digits; for a normal value beyond 2^±200 found on 46-digit floors of the value and of the
     * bounds of what reads back as it, some 20 times faster (Extended80 works on the exact value's thousands of
     * digits): a candidate of up to 21 digits is never one of those bounds there (they are odd multiples of
     * 2^(e-2), whose decimals run longer), so a floor and whether it was exact order it against them exactly.
     */
    private BigDecimal extendedShortest() {
        int e = (signExp & 0x7FFF) - EXTENDED_BIAS - 63;
        if (Math.abs(e) <= 200 || (signExp & 0x7FFF) <= 1 || mantissa >= 0) { // near 1, denormal or not normalized
            return Extended80.shortest(mantissa, signExp);
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
        return Extended80.shortest(mantissa, signExp);
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
     * mantissa * 2^e: exactly (2^-k written as 5^k / 10^k) near 1; beyond 2^±200 its first {@value #KEPT_DIGITS}
     * digits, and a sticky 1 after them where the rest are not all zero, so that rounding it to fewer digits, ties
     * included, rounds as the exact value does.
     */
    private BigDecimal extendedMagnitude() {
        if (mantissa == 0) {
            return BigDecimal.ZERO;
        }
        BigInteger m = new BigInteger(Long.toUnsignedString(mantissa));
        int e = Math.max(signExp & 0x7FFF, 1) - EXTENDED_BIAS - 63;
        if (Math.abs(e) <= 200) {
            return e >= 0 ? new BigDecimal(m.shiftLeft(e)) : new BigDecimal(m.multiply(BigInteger.valueOf(5).pow(-e)), -e);
        }
        // value / 10^q has some KEPT_DIGITS + 1 digits: 10^q is at most the value's leading power of ten / 10^KEPT_DIGITS
        int q = (int) Math.floor((m.bitLength() - 1 + e) * 0.30102999566398120) - KEPT_DIGITS;
        BigInteger digits;
        boolean inexact;
        if (e < 0) { // q < 0 too: (m * 10^-q) / 2^-e
            BigInteger scaled = m.multiply(BigInteger.TEN.pow(-q));
            digits = scaled.shiftRight(-e);
            inexact = scaled.getLowestSetBit() < -e;
        } else {
            BigInteger whole = m.shiftLeft(e);
            BigInteger[] qr = q >= 0 ? whole.divideAndRemainder(BigInteger.TEN.pow(q))
                    : new BigInteger[] {whole.multiply(BigInteger.TEN.pow(-q)), BigInteger.ZERO};
            digits = qr[0];
            inexact = qr[1].signum() != 0;
        }
        return inexact ? new BigDecimal(digits.multiply(BigInteger.TEN).add(BigInteger.ONE), -(q - 1)) : new BigDecimal(digits, -q);
    }
}
