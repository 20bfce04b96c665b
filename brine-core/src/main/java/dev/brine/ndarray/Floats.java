package dev.brine.ndarray;

/**
 * Conversions for the float formats Java lacks: IEEE half (float16), bfloat16 and the x87
 * 80-bit long double numpy stores as {@code f16}. Rounding is to nearest, ties to even, as numpy
 * and torch round.
 */
final class Floats {
    private Floats() {
    }

    /** A float16 bit pattern as a double (exact). */
    static double halfToDouble(short bits) {
        int h = bits & 0xFFFF;
        int sign = h >>> 15;
        int exp = (h >>> 10) & 0x1F;
        int frac = h & 0x3FF;
        double v;
        if (exp == 0) {
            v = Math.scalb((double) frac, -24);
        } else if (exp == 31) {
            if (frac == 0) {
                v = Double.POSITIVE_INFINITY;
            } else {
                // keep the payload: shift it into a double NaN's fraction
                long dbits = 0x7FF0000000000000L | ((long) frac << 42);
                return Double.longBitsToDouble(dbits | ((long) sign << 63));
            }
        } else {
            v = Math.scalb((double) (frac | 0x400), exp - 25);
        }
        return sign == 0 ? v : -v;
    }

    /** The float16 nearest to {@code d}, from the double directly (no double rounding through float). */
    static short doubleToHalf(double d) {
        long bits = Double.doubleToRawLongBits(d);
        int sign = (int) (bits >>> 48) & 0x8000;
        int exp = (int) (bits >>> 52) & 0x7FF;
        long frac = bits & 0xFFFFFFFFFFFFFL;
        if (exp == 0x7FF) {
            if (frac == 0) {
                return (short) (sign | 0x7C00);
            }
            // numpy's npy_doublebits_to_halfbits: the payload's top bits, and a NaN whose top bits are all zero
            // stays a NaN as 0x7c01 (signalling, as it came), not a quiet 0x7e00
            int payload = (int) (frac >>> 42);
            return (short) (sign | 0x7C00 | (payload == 0 ? 1 : payload));
        }
        int e = exp - 1023 + 15;
        if (e >= 31) {
            return (short) (sign | 0x7C00);
        }
        long mant = frac | (exp == 0 ? 0 : 1L << 52);
        int shift;
        int halfExp;
        if (e <= 0) {
            // subnormal half: value = m * 2^-24
            shift = 42 + 1 - e;
            halfExp = 0;
            if (shift > 63) {
                return (short) sign;
            }
        } else {
            shift = 42;
            halfExp = e;
            mant &= 0xFFFFFFFFFFFFFL;
        }
        long m = mant >>> shift;
        long rest = mant & ((1L << shift) - 1);
        long halfway = 1L << (shift - 1);
        if (rest > halfway || (rest == halfway && (m & 1) == 1)) {
            m++;
        }
        int result = (halfExp << 10) + (int) m;
        return (short) (sign | result);
    }

    /**
     * A float16 NaN's bits as a float32 NaN's, as numpy's {@code npy_halfbits_to_floatbits} makes them: the payload
     * shifted up, a signalling NaN kept signalling (a conversion through a double, done by the hardware, sets the
     * quiet bit). Only for NaNs: every other half reaches float32 exactly through a double.
     */
    static int halfNaNToFloatBits(short bits) {
        int h = bits & 0xFFFF;
        return (h & 0x8000) << 16 | 0x7F800000 | (h & 0x3FF) << 13;
    }

    /**
     * A float32 NaN's bits as a float16 NaN's, as numpy's {@code npy_floatbits_to_halfbits} makes them: the payload's
     * top 10 bits, 0x7c01 when those are all zero (still a NaN), signalling kept. Only for NaNs: other floats round to
     * float16 the same through a double, which holds every float exactly.
     */
    static short floatNaNToHalf(int bits) {
        int payload = (bits & 0x7FFFFF) >>> 13;
        return (short) ((bits >>> 16) & 0x8000 | 0x7C00 | (payload == 0 ? 1 : payload));
    }

    /** A bfloat16 bit pattern as a float (exact). */
    static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** The bfloat16 nearest to {@code f}, NaN kept quiet, as torch rounds. */
    static short floatToBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    /** An x87 80-bit extended value (8 bytes mantissa with explicit integer bit, then sign and exponent) as a double. */
    static double extendedToDouble(long mantissa, int signExp) {
        boolean negative = (signExp & 0x8000) != 0;
        int exp = signExp & 0x7FFF;
        double v;
        if (exp == 0x7FFF) {
            v = (mantissa << 1) == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (mantissa == 0) {
            v = 0.0;
        } else {
            int lastBit = Math.max(exp, 1) - 16383 - 63; // the exponent of the mantissa's last bit
            int dropped = -1074 - lastBit; // bits below a double's smallest denormal
            if (dropped > 0 && (dropped >= 64 || mantissa >>> dropped < 1L << 52)) {
                v = Math.scalb((double) roundedShift(mantissa, dropped), -1074);
            } else {
                // unsigned to double with one rounding (sticky low bit), then scale by the exponent
                double m = mantissa >= 0 ? (double) mantissa : (double) ((mantissa >>> 1) | (mantissa & 1)) * 2.0;
                v = Math.scalb(m, lastBit);
            }
        }
        return negative ? -v : v;
    }

    /**
     * The unsigned {@code mantissa} shifted right by {@code n} bits (at least 1), rounded to nearest, ties to even:
     * a value that lands among a double's denormals rounds once here, where rounding it to 53 bits first and then
     * to the denormal's fewer bits could be one off (2^-1075 + 2^-1130 would become 0, not 2^-1074).
     */
    private static long roundedShift(long mantissa, int n) {
        if (n > 64) {
            return 0; // below half the last place kept
        }
        long kept = n == 64 ? 0 : mantissa >>> n;
        long rest = n == 64 ? mantissa : mantissa & ((1L << n) - 1);
        long half = 1L << (n - 1);
        int against = Long.compareUnsigned(rest, half);
        return against > 0 || (against == 0 && (kept & 1) != 0) ? kept + 1 : kept;
    }

    /**
     * An x87 extended value rounded to 53 bits towards odd (the lost bits kept as a sticky last
     * bit): rounding that double once more to float32 or float16 gives the correctly rounded result,
     * as numpy's direct long double casts do, where rounding to nearest twice could be one off.
     */
    static double extendedToDoubleRoundedToOdd(long mantissa, int signExp) {
        int exp = signExp & 0x7FFF;
        if (exp == 0x7FFF || mantissa == 0) {
            return extendedToDouble(mantissa, signExp);
        }
        long m = (mantissa >>> 11) | ((mantissa & 0x7FF) != 0 ? 1 : 0);
        double v = Math.scalb((double) m, Math.max(exp, 1) - 16383 - 63 + 11);
        return (signExp & 0x8000) != 0 ? -v : v;
    }

    /** The x87 extended 64-bit mantissa (explicit integer bit) of {@code d}; exact. */
    static long doubleToExtendedMantissa(double d) {
        long bits = Double.doubleToRawLongBits(d);
        int exp = (int) (bits >>> 52) & 0x7FF;
        long frac = bits & 0xFFFFFFFFFFFFFL;
        if (exp == 0x7FF) {
            return frac == 0 ? 0x8000000000000000L : 0xC000000000000000L | (frac << 11);
        }
        if (exp == 0) {
            return frac == 0 ? 0 : frac << Long.numberOfLeadingZeros(frac);
        }
        return (frac | (1L << 52)) << 11;
    }

    /** The x87 sign-and-exponent half-word of {@code d}. */
    static int doubleToExtendedSignExp(double d) {
        long bits = Double.doubleToRawLongBits(d);
        int sign = bits < 0 ? 0x8000 : 0;
        int exp = (int) (bits >>> 52) & 0x7FF;
        long frac = bits & 0xFFFFFFFFFFFFFL;
        if (exp == 0x7FF) {
            return sign | 0x7FFF;
        }
        if (exp == 0) {
            return frac == 0 ? sign : sign | (-1074 - Long.numberOfLeadingZeros(frac) + 63 + 16383);
        }
        return sign | (exp - 1023 + 16383);
    }
}
