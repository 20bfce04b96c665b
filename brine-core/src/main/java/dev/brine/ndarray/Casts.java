package dev.brine.ndarray;

import java.math.BigInteger;
import java.time.LocalDate;

/**
 * numpy's casts where C leaves the result to the platform or numpy uses its own arithmetic:
 * floats to integers out of range (x86-64 results, as numpy's compiled loops give them), exact
 * integers to and from the x87 80-bit long double, and datetime64/timedelta64 unit conversions.
 */
final class Casts {
    /** Days in 400 Gregorian years: numpy's average year and month come from it. */
    private static final long DAYS_PER_400_YEARS = 146097;

    private Casts() {
    }

    // ---------------------------------------------------------------- floats to integers

    /**
     * x86-64 {@code cvttsd2si} to 32 bits: truncation, and the "integer indefinite" 0x80000000 for
     * NaN and values outside int32 (C leaves these undefined; this is what numpy gives on x86-64).
     */
    static int cvtt32(double v) {
        return v > -2147483649.0 && v < 2147483648.0 ? (int) v : Integer.MIN_VALUE;
    }

    /** x86-64 {@code cvttsd2si} to 64 bits: truncation, {@link Long#MIN_VALUE} for NaN and out of range. */
    static long cvtt64(double v) {
        return v >= -0x1p63 && v < 0x1p63 ? (long) v : Long.MIN_VALUE;
    }

    /**
     * A float (a double holding an IEEE half, float or double) cast to an integer of {@code target}
     * as numpy's loops compute it on x86-64, as the bits to store (wrapped by the caller's width).
     * In-range values truncate towards zero, as C does. Out of range and NaN follow the instructions
     * the C compiler emits: int8/16/32 and uint8/16 through a 32-bit conversion, int64 and uint32 of
     * half through a 64-bit one, uint64 (and uint32 from float/double, vectorised by numpy) through
     * the "subtract 2^63 (2^31) when at least that" sequence.
     *
     * @param vectorUint32 whether the source is float32/float64, whose uint32 cast numpy vectorises
     */
    static long floatToInteger(double v, DType target, boolean vectorUint32) {
        boolean unsigned = target.kind() == DType.Kind.UINT;
        switch (target.itemsize()) {
            case 1:
            case 2:
                return cvtt32(v);
            case 4:
                if (!unsigned) {
                    return cvtt32(v);
                }
                if (vectorUint32) {
                    return v >= 0x1p31 ? cvtt32(v - 0x1p31) ^ Integer.MIN_VALUE : cvtt32(v);
                }
                return cvtt64(v);
            default:
                if (unsigned && v >= 0x1p63) {
                    return cvtt64(v - 0x1p63) ^ Long.MIN_VALUE;
                }
                return cvtt64(v);
        }
    }

    // ---------------------------------------------------------------- x87 long double

    /** The unbiased exponent of an x87 value; {@code Integer.MAX_VALUE} for NaN and infinities. */
    private static int extendedExponent(int signExp) {
        int e = signExp & 0x7FFF;
        return e == 0x7FFF ? Integer.MAX_VALUE : e - 16383;
    }

    /**
     * The truncated magnitude of an x87 value as an unsigned 64-bit pattern, or -1 (all ones, never a
     * valid magnitude below 2^64 here) when it is NaN, infinite or at least 2^64.
     */
    private static long extendedMagnitude(long mantissa, int signExp) {
        int e = extendedExponent(signExp);
        if (e >= 64) {
            return -1;
        }
        if (e < 0 || mantissa == 0) {
            return 0;
        }
        return mantissa >>> (63 - e);
    }

    /**
     * An x87 long double cast to an integer of {@code target} as numpy's loops give it on x86-64,
     * exactly (64-bit mantissa): the x87 {@code fistp} stores 16, 32 or 64 bits and gives the
     * "integer indefinite" (the smallest value of that width) out of range; int8/uint8 go through
     * 16 bits, uint16 through 32, uint32 through 64, uint64 through "subtract 2^63 when at least that".
     */
    static long extendedToInteger(long mantissa, int signExp, DType target) {
        boolean unsigned = target.kind() == DType.Kind.UINT;
        int width;
        switch (target.itemsize()) {
            case 1:
                width = 16;
                break;
            case 2:
                width = unsigned ? 32 : 16;
                break;
            case 4:
                width = unsigned ? 64 : 32;
                break;
            default:
                width = 64;
        }
        boolean negative = (signExp & 0x8000) != 0;
        boolean nan = (signExp & 0x7FFF) == 0x7FFF && (mantissa << 1) != 0;
        if (unsigned && target.itemsize() == 8 && !negative && !nan && extendedExponent(signExp) >= 63) {
            // x - 2^63 is exact when x < 2^64 and then fits; x87 invalid xor 2^63 is 0 beyond (and for +inf);
            // NaN fails the comparison and converts directly, to the integer indefinite
            return extendedExponent(signExp) == 63 ? mantissa : 0;
        }
        return fist(mantissa, signExp, width);
    }

    /** The x87 {@code fistp} of {@code width} bits with truncation. */
    private static long fist(long mantissa, int signExp, int width) {
        long min = -(1L << (width - 1));
        long mag = extendedMagnitude(mantissa, signExp);
        boolean negative = (signExp & 0x8000) != 0;
        if (mag == -1) {
            return min;
        }
        if (negative) {
            // the magnitude may be 2^(width-1) exactly, which is min itself
            return Long.compareUnsigned(mag, -min) <= 0 ? -mag : min;
        }
        return Long.compareUnsigned(mag, -min - 1) <= 0 ? mag : min;
    }

    /** An x87 long double as numpy's {@code int64} (C truncation, exact; integer indefinite out of range). */
    static long extendedToLong(long mantissa, int signExp) {
        return fist(mantissa, signExp, 64);
    }

    /** The x87 64-bit mantissa of the integer {@code v} (exact); {@code unsigned} reads v as uint64. */
    static long longToExtendedMantissa(long v, boolean unsigned) {
        long mag = unsigned || v >= 0 ? v : -v;
        return mag == 0 ? 0 : mag << Long.numberOfLeadingZeros(mag);
    }

    /** The x87 sign-and-exponent half-word of the integer {@code v}; {@code unsigned} reads v as uint64. */
    static int longToExtendedSignExp(long v, boolean unsigned) {
        long mag = unsigned || v >= 0 ? v : -v;
        if (mag == 0) {
            return 0;
        }
        int sign = !unsigned && v < 0 ? 0x8000 : 0;
        return sign | (16383 + 63 - Long.numberOfLeadingZeros(mag));
    }

    /**
     * The integer {@code v} as an x87 long double, {mantissa, sign and exponent}, rounded once to 64 bits (to
     * nearest, ties to even), infinite beyond its range, as numpy reads a Python int into one (from its digits,
     * with strtold): never through a double.
     */
    static long[] integerToExtended(BigInteger v) {
        int sign = v.signum() < 0 ? 0x8000 : 0;
        BigInteger mag = v.abs();
        int bits = mag.bitLength();
        if (bits == 0) {
            return new long[] {0, sign};
        }
        int dropped = Math.max(bits - 64, 0);
        BigInteger kept = mag.shiftRight(dropped);
        if (dropped > 0) {
            boolean half = mag.testBit(dropped - 1);
            boolean sticky = mag.getLowestSetBit() < dropped - 1;
            if (half && (sticky || kept.testBit(0))) {
                kept = kept.add(BigInteger.ONE);
            }
        }
        if (kept.bitLength() > 64) { // rounded up to the next power of two
            kept = kept.shiftRight(1);
            dropped++;
        }
        long exponent = 16383L + 63 + dropped - (64 - kept.bitLength());
        if (exponent >= 0x7FFF) {
            return new long[] {Long.MIN_VALUE, sign | 0x7FFF};
        }
        return new long[] {kept.shiftLeft(64 - kept.bitLength()).longValue(), sign | exponent};
    }

    /** {@code v} (uint64 when {@code unsigned}) rounded once to the nearest float, as C's cast does. */
    static float longToFloat(long v, boolean unsigned) {
        if (!unsigned || v >= 0) {
            return (float) v;
        }
        // halve with the lost bit kept as a sticky bit, so the one rounding is still correct
        return (float) ((v >>> 1) | (v & 1)) * 2f;
    }

    // ---------------------------------------------------------------- datetime64 / timedelta64

    /** Units per next-larger unit in numpy's order (Y, M unused): W→D 7, D→h 24, h→m 60, m→s 60, then 1000s. */
    private static long unitsFactor(DateTimeUnit big, DateTimeUnit little) {
        long f = 1;
        for (int u = big.ordinal(); u < little.ordinal(); u++) {
            f *= stepFactor(DateTimeUnit.values()[u]);
            // numpy's own overflow check: the top byte must stay clear
            if ((f & 0xff00000000000000L) != 0) {
                return 0;
            }
        }
        return f;
    }

    private static long stepFactor(DateTimeUnit u) {
        switch (u) {
            case WEEK:
                return 7;
            case DAY:
                return 24;
            case HOUR:
            case MINUTE:
                return 60;
            case YEAR:
            case MONTH:
                return 1;
            default:
                return 1000;
        }
    }

    /**
     * numpy's {@code get_datetime_conversion_factor}: {@code {num, denom}} with {@code to = from * num / denom},
     * years and months counted as their 400-year averages.
     *
     * @throws IllegalArgumentException to generic units, or when the factor overflows (as numpy raises)
     */
    static long[] conversionFactor(DType from, DType to) {
        if (from.unit() == DateTimeUnit.GENERIC) {
            return new long[] {1, 1};
        }
        if (to.unit() == DateTimeUnit.GENERIC) {
            throw new IllegalArgumentException("Cannot convert from specific units to generic units in NumPy datetimes or timedeltas");
        }
        boolean swapped = from.unit().ordinal() > to.unit().ordinal();
        DateTimeUnit big = swapped ? to.unit() : from.unit();
        DateTimeUnit little = swapped ? from.unit() : to.unit();
        long num = 1;
        long denom = 1;
        if (big != little) {
            if (big == DateTimeUnit.YEAR && little == DateTimeUnit.MONTH) {
                num = 12;
            } else if (big == DateTimeUnit.YEAR || big == DateTimeUnit.MONTH) {
                long perYear = big == DateTimeUnit.YEAR ? 1 : 12;
                num = DAYS_PER_400_YEARS;
                if (little == DateTimeUnit.WEEK) {
                    denom = 400 * perYear * 7;
                } else {
                    denom = 400 * perYear;
                    num *= unitsFactor(DateTimeUnit.DAY, little);
                }
            } else {
                num = unitsFactor(big, little);
            }
        }
        if (num == 0) {
            throw new IllegalArgumentException("Integer overflow while computing the conversion factor between NumPy datetime units "
                    + big.symbol() + " and " + little.symbol());
        }
        if (swapped) {
            long t = num;
            num = denom;
            denom = t;
        }
        num *= from.unitCount();
        denom *= to.unitCount();
        long gcd = gcdUnsigned(num, denom);
        return new long[] {Long.divideUnsigned(num, gcd), Long.divideUnsigned(denom, gcd)};
    }

    private static long gcdUnsigned(long x, long y) {
        while (y != 0) {
            long t = Long.remainderUnsigned(x, y);
            x = y;
            y = t;
        }
        return x;
    }

    /**
     * A datetime64/timedelta64 count of {@code from} as numpy's {@code astype(to)} gives it: between
     * datetime and timedelta the count is kept as it is (numpy does not rescale there); datetimes
     * with years or months on either side go through the calendar; everything else is scaled by the
     * conversion factor in wrapping 64-bit arithmetic, flooring, as numpy's loop does. NaT stays NaT.
     */
    static long convertTime(long count, DType from, DType to, long[] factor) {
        if (count == TimeValue.NAT || from.kind() != to.kind()) {
            return count;
        }
        if (from.kind() == DType.Kind.DATETIME && (isCalendar(from.unit()) || isCalendar(to.unit()))) {
            return calendarConvert(count, from, to);
        }
        long num = factor[0];
        long denom = factor[1];
        return count < 0 ? (count * num - (denom - 1)) / denom : count * num / denom;
    }

    /** Whether a datetime with {@code unit} must convert through the calendar ({@code Y}, {@code M}). */
    private static boolean isCalendar(DateTimeUnit u) {
        return u == DateTimeUnit.YEAR || u == DateTimeUnit.MONTH;
    }

    /**
     * numpy's datetime-struct cast: the count to a date (and time of day), then to the target unit,
     * truncating towards the past. Exact for dates within the range of 64-bit day counts.
     */
    private static long calendarConvert(long count, DType from, DType to) {
        if (from.unit() == DateTimeUnit.GENERIC || to.unit() == DateTimeUnit.GENERIC) {
            throw new IllegalArgumentException("Cannot convert a NumPy datetime value other than NaT with generic units");
        }
        long v = count * from.unitCount();
        long year;
        long month;
        long days;
        switch (from.unit()) {
            case YEAR:
                year = 1970 + v;
                month = 1;
                days = daysOf(year, 1);
                break;
            case MONTH:
                year = 1970 + Math.floorDiv(v, 12);
                month = Math.floorMod(v, 12) + 1;
                days = daysOf(year, (int) month);
                break;
            default: {
                // the target is then years or months: the time of day does not matter
                days = from.unit() == DateTimeUnit.WEEK ? v * 7 : Math.floorDiv(v, unitsFactor(DateTimeUnit.DAY, from.unit()));
                long[] ym = yearMonth(days);
                year = ym[0];
                month = ym[1];
            }
        }
        long out;
        switch (to.unit()) {
            case YEAR:
                out = year - 1970;
                break;
            case MONTH:
                out = 12 * (year - 1970) + month - 1;
                break;
            case WEEK:
                out = days >= 0 ? days / 7 : (days - 6) / 7;
                break;
            default:
                out = days * unitsFactor(DateTimeUnit.DAY, to.unit());
        }
        long n = to.unitCount();
        if (n > 1) {
            out = out >= 0 ? out / n : (out - n + 1) / n;
        }
        return out;
    }

    /** Days from 1970-01-01 to the first day of {@code month} of {@code year} (proleptic Gregorian). */
    private static long daysOf(long year, int month) {
        long era = Math.floorDiv(year - 1970, 400);
        int y = (int) (year - era * 400);
        return LocalDate.of(y, month, 1).toEpochDay() + era * DAYS_PER_400_YEARS;
    }

    /** The year and month (1-12) of the day {@code days} after 1970-01-01 (proleptic Gregorian). */
    private static long[] yearMonth(long days) {
        long era = Math.floorDiv(days, DAYS_PER_400_YEARS);
        LocalDate d = LocalDate.ofEpochDay(Math.floorMod(days, DAYS_PER_400_YEARS));
        return new long[] {d.getYear() + era * 400, d.getMonthValue()};
    }
}
