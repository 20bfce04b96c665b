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
                    : extended ? Extended80.shortest(mantissa, signExp) : ArrayFormatter.shortest(approx, type).abs();
        }
        return shortest;
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
        int e = Math.max(signExp & 0x7FFF, 1) - Extended80.BIAS - 63;
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
