package dev.brine.ndarray;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * numpy 2's refusal of a Python number that an integer element cannot hold ({@code a[0] = 300} on
 * an int8 array raises OverflowError, a float is truncated first and NaN or an infinity refused),
 * for values a caller stores one by one. Array casts ({@code astype}) do not come here: numpy wraps
 * them, and so does Brine.
 */
final class IntegerBounds {
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private IntegerBounds() {
    }

    /** Whether {@code t} is an integer type, the only kind these checks concern. */
    static boolean applies(DType t) {
        return t.kind() == DType.Kind.INT || t.kind() == DType.Kind.UINT;
    }

    /**
     * Refuses the integer {@code v} when an element of the integer type {@code t} cannot hold it.
     *
     * @throws IllegalArgumentException with numpy's words, {@code Python integer 300 out of bounds for int8}
     */
    static void check(DType t, long v) {
        if (applies(t) && !fits(t, v)) {
            throw outOfBounds(t, BigInteger.valueOf(v));
        }
    }

    /** As {@link #check(DType, long)} for an integer of any size. */
    static void check(DType t, BigInteger v) {
        if (!applies(t)) {
            return;
        }
        boolean fits = v.bitLength() <= 63 ? fits(t, v.longValue())
                : t.kind() == DType.Kind.UINT && t.itemsize() == 8 && v.signum() > 0 && v.compareTo(UINT64_MAX) <= 0;
        if (!fits) {
            throw outOfBounds(t, v);
        }
    }

    /**
     * The float {@code v} truncated towards zero, as numpy stores a Python float in an integer element,
     * refused when it is NaN, infinite or out of the type's range.
     *
     * @throws IllegalArgumentException with numpy's words ({@code cannot convert float NaN to integer})
     */
    static BigInteger truncate(DType t, double v) {
        if (Double.isNaN(v)) {
            throw new IllegalArgumentException("cannot convert float NaN to integer for " + t.name());
        }
        if (Double.isInfinite(v)) {
            throw new IllegalArgumentException("cannot convert float infinity to integer for " + t.name());
        }
        BigInteger i = new BigDecimal(v).toBigInteger();
        check(t, i);
        return i;
    }

    private static boolean fits(DType t, long v) {
        int bits = 8 * t.itemsize();
        if (t.kind() == DType.Kind.UINT) {
            return v >= 0 && (bits == 64 || v >>> bits == 0);
        }
        return bits == 64 || (v >= -(1L << (bits - 1)) && v < (1L << (bits - 1)));
    }

    private static IllegalArgumentException outOfBounds(DType t, BigInteger v) {
        return new IllegalArgumentException("Python integer " + v + " out of bounds for " + t.name());
    }
}
