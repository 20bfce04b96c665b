package dev.brine.mapping;

import dev.brine.BrineException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Narrows the values a pickle holds (Long, BigInteger, Double, ...) to the Java types a record
 * declares. Integral components take only ints they hold exactly. A {@code double} component takes
 * a float, or an int that a double holds exactly (Python code writes {@code Point(1, 2)} where it
 * means floats; {@code 2**53 + 1} is refused rather than rounded). A {@code float} component takes
 * what a {@code double} one takes, rounded to the nearest float as numpy's {@code float32} cast
 * rounds it; a finite value beyond float's range is refused rather than made infinite.
 */
final class Coercion {
    private static final double TWO_TO_63 = 0x1p63;

    private Coercion() {
    }

    static Object to(Class<?> type, Object v, String what) throws BrineException {
        if (type.isPrimitive() && v == null) {
            throw new BrineException(what + ": None given for a " + type.getName());
        }
        if (v == null || type.isInstance(v)) {
            return v;
        }
        if ((type == int.class || type == Integer.class) && v instanceof Long) {
            long l = (Long) v;
            if ((int) l == l) {
                return (int) l;
            }
        } else if ((type == long.class || type == Long.class) && v instanceof Long) {
            return v;
        } else if ((type == short.class || type == Short.class) && v instanceof Long && (short) (long) (Long) v == (Long) v) {
            return (short) (long) (Long) v;
        } else if ((type == byte.class || type == Byte.class) && v instanceof Long && (byte) (long) (Long) v == (Long) v) {
            return (byte) (long) (Long) v;
        } else if (type == double.class || type == Double.class) {
            Double d = asDouble(v);
            if (d != null) {
                return d;
            }
            if (v instanceof Long || v instanceof BigInteger) {
                throw new BrineException(what + ": the int " + v + " has no exact double (a double holds ints exactly"
                        + " only up to 2**53, and beyond that only some)");
            }
        } else if (type == float.class || type == Float.class) {
            Double d = asDouble(v);
            if (d != null) {
                float f = d.floatValue(); // round to nearest, as numpy.float32(x)
                if (Float.isInfinite(f) && !d.isInfinite()) {
                    throw new BrineException(what + ": " + v + " is beyond the range of a float (at most "
                            + Float.MAX_VALUE + ")");
                }
                return f;
            }
            if (v instanceof Long || v instanceof BigInteger) {
                throw new BrineException(what + ": the int " + v + " has no exact double to round to a float");
            }
        } else if ((type == boolean.class || type == Boolean.class) && v instanceof Boolean) {
            return v;
        } else if (type == BigInteger.class && v instanceof Long) {
            return BigInteger.valueOf((Long) v);
        }
        throw new BrineException(what + ": a " + v.getClass().getSimpleName() + " does not fit " + type.getName());
    }

    /** {@code v} as a double when it is a float, or an int that a double holds exactly; else {@code null}. */
    private static Double asDouble(Object v) {
        if (v instanceof Double) {
            return (Double) v;
        }
        if (v instanceof Long) {
            long l = (Long) v;
            double d = l;
            // (long) 2**63 saturates to Long.MAX_VALUE, which 2**63 is not
            return d != TWO_TO_63 && (long) d == l ? d : null;
        }
        if (v instanceof BigInteger) {
            BigInteger b = (BigInteger) v;
            double d = b.doubleValue();
            return !Double.isInfinite(d) && new BigDecimal(d).toBigIntegerExact().equals(b) ? d : null;
        }
        return null;
    }
}
