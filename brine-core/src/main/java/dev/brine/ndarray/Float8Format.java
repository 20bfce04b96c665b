package dev.brine.ndarray;

/**
 * The 8-bit float formats torch and safetensors use, and their conversions to and from double,
 * bit for bit as torch converts them (c10's {@code Float8_*} types).
 *
 * <p>The four sign-exponent-mantissa formats differ in where their exponent is centred and in
 * what their top patterns mean: e5m2 is IEEE-like (infinities, NaNs); e4m3fn has no infinities
 * and one NaN per sign ({@code S.1111.111}); the "fnuz" formats have neither infinities nor a
 * negative zero, and their only NaN is {@code 0x80}. e8m0fnu is an unsigned power of two
 * (exponent only, bias 127) whose only NaN is {@code 0xFF}, used as a block scale.
 *
 * <p>Decoding is exact. Encoding first rounds the double to a float, as torch's conversions take a
 * float, then rounds to nearest, ties to even; what does not fit (infinities included) becomes what
 * torch's {@code .to(dtype)} makes of it, checked against torch 2.13: e4m3fn saturates to ±448,
 * e5m2 overflows to infinity, the fnuz formats to their NaN; e8m0fnu rounds as torch's
 * {@code fp8e8m0fnu_from_fp32_value} does (see {@link #scaleBits}).
 */
enum Float8Format {
    /** {@code float8_e4m3fn}: bias 7, largest 448, NaN {@code S.1111.111}, no infinities. */
    E4M3FN(3, 7, Top.SATURATE),
    /** {@code float8_e5m2}: bias 15, largest 57344, IEEE infinities and NaNs. */
    E5M2(2, 15, Top.INFINITY),
    /** {@code float8_e4m3fnuz}: bias 8, largest 240, single NaN {@code 0x80}. */
    E4M3FNUZ(3, 8, Top.FNUZ),
    /** {@code float8_e5m2fnuz}: bias 16, largest 57344, single NaN {@code 0x80}. */
    E5M2FNUZ(2, 16, Top.FNUZ),
    /** {@code float8_e8m0fnu}: {@code 2^(bits - 127)}, NaN {@code 0xFF}; no sign, no zero. */
    E8M0FNU(0, 127, Top.SCALE);

    /** What the top of a format holds, which decides both its NaNs and where torch puts overflows. */
    private enum Top {
        /** The top exponent is IEEE's: infinities and NaNs; overflow gives infinity. */
        INFINITY,
        /** Only {@code S.1111.111} is NaN, the rest of the top binade finite; overflow gives the largest value. */
        SATURATE,
        /** No negative zero; {@code 0x80} is the only NaN and what overflow gives. */
        FNUZ,
        /** No sign, no zero: a bare exponent whose top pattern {@code 0xFF} is NaN (e8m0fnu). */
        SCALE
    }

    private static final int FNUZ_NAN = 0x80;
    private static final int E8M0_NAN = 0xFF;

    private final int mantissaBits;
    private final int bias;
    private final Top top;
    /** Every bit pattern's value: 256 doubles, computed once and never changed. */
    private final double[] values = new double[256];
    private final double largest;

    Float8Format(int mantissaBits, int bias, Top top) {
        this.mantissaBits = mantissaBits;
        this.bias = bias;
        this.top = top;
        double max = 0;
        for (int b = 0; b < 256; b++) {
            values[b] = decodeBits(b);
            if (!Double.isNaN(values[b]) && !Double.isInfinite(values[b])) {
                max = Math.max(max, values[b]);
            }
        }
        this.largest = max;
    }

    /** The format of elements of {@code kind}, or {@code null} when it is not an 8-bit float. */
    static Float8Format of(DType.Kind kind) {
        switch (kind) {
            case FLOAT8_E4M3FN:
                return E4M3FN;
            case FLOAT8_E5M2:
                return E5M2;
            case FLOAT8_E4M3FNUZ:
                return E4M3FNUZ;
            case FLOAT8_E5M2FNUZ:
                return E5M2FNUZ;
            case FLOAT8_E8M0FNU:
                return E8M0FNU;
            default:
                return null;
        }
    }

    /** Whether this is e8m0fnu, a bare exponent (tested by field: the constructor runs before the constant is set). */
    private boolean isScale() {
        return top == Top.SCALE;
    }

    /** The value of bit pattern {@code bits} (exact; NaN for the NaN patterns). */
    double toDouble(byte bits) {
        return values[bits & 0xFF];
    }

    /** The largest finite value. */
    double largest() {
        return largest;
    }

    /** The bit pattern torch gives {@code d}: rounded to a float, then to this format. */
    byte fromDouble(double d) {
        float f = (float) d;
        return (byte) (isScale() ? scaleBits(f) : bits(f));
    }

    private double decodeBits(int b) {
        if (isScale()) {
            return b == E8M0_NAN ? Double.NaN : Math.scalb(1.0, b - bias);
        }
        if (top == Top.FNUZ && b == FNUZ_NAN) {
            return Double.NaN;
        }
        int exponentField = (b & 0x7F) >>> mantissaBits;
        int mantissa = b & ((1 << mantissaBits) - 1);
        int topExponent = 0x7F >>> mantissaBits;
        if (top != Top.FNUZ && exponentField == topExponent) {
            if (top == Top.INFINITY) {
                if (mantissa != 0) {
                    return Double.NaN;
                }
                return (b & 0x80) == 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            }
            if (mantissa == (1 << mantissaBits) - 1) {
                return Double.NaN; // e4m3fn: only the all-ones pattern is NaN; the rest of the top binade is finite
            }
        }
        double v = exponentField == 0
                ? Math.scalb((double) mantissa, 1 - bias - mantissaBits)
                : Math.scalb((double) (mantissa | (1 << mantissaBits)), exponentField - bias - mantissaBits);
        return (b & 0x80) == 0 ? v : -v;
    }

    /** The sign-exponent-mantissa pattern of {@code f}, rounded to nearest even. */
    private int bits(float f) {
        int sign = (Float.floatToRawIntBits(f) >>> 24) & 0x80;
        if (Float.isNaN(f)) {
            return top == Top.FNUZ ? FNUZ_NAN : sign | 0x7F;
        }
        double a = Math.abs((double) f);
        // the spacing of representable values around a: fixed below the smallest normal (subnormals)
        int exponent = Math.max(Math.getExponent(a), 1 - bias);
        double quantum = Math.scalb(1.0, exponent - mantissaBits);
        double rounded = Math.rint(a / quantum) * quantum; // both steps exact; rint ties to even
        if (rounded > largest) {
            return overflow(sign);
        }
        if (rounded == 0) {
            return top == Top.FNUZ ? 0 : sign;
        }
        int e = Math.getExponent(rounded);
        int field;
        if (e < 1 - bias) {
            field = (int) Math.scalb(rounded, bias - 1 + mantissaBits);
        } else {
            int mantissa = (int) Math.scalb(rounded, mantissaBits - e) - (1 << mantissaBits);
            field = ((e + bias) << mantissaBits) | mantissa;
        }
        return sign | field;
    }

    /** What torch makes of a value beyond the largest: infinity, the largest value, or the NaN. */
    private int overflow(int sign) {
        switch (top) {
            case INFINITY:
                return sign | (0x7F >>> mantissaBits << mantissaBits);
            case SATURATE:
                return sign | 0x7E;
            default:
                return FNUZ_NAN;
        }
    }

    /**
     * e8m0fnu as torch rounds it: the float's biased exponent, plus one when the fraction's top bit
     * is set and (any lower bit is, or the float is normal); the sign is dropped, infinity and NaN
     * become NaN.
     */
    private static int scaleBits(float f) {
        int bits = Float.floatToRawIntBits(f);
        int exponent = (bits >>> 23) & 0xFF;
        if (exponent == 0xFF) {
            return E8M0_NAN;
        }
        boolean guard = (bits & 0x400000) != 0;
        boolean rest = (bits & 0x3FFFFF) != 0;
        if (guard && (rest || exponent > 0)) {
            exponent++;
        }
        return exponent;
    }
}
