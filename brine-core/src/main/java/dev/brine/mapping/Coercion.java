package dev.brine.mapping;

import dev.brine.BrineException;
import java.math.BigInteger;

/**
 * Narrows the values a pickle holds (Long, Double, ...) to the Java types a record declares,
 * refusing anything that does not fit rather than truncating it.
 */
final class Coercion {
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
        } else if ((type == double.class || type == Double.class) && v instanceof Double) {
            return v;
        } else if ((type == float.class || type == Float.class) && v instanceof Double) {
            return ((Double) v).floatValue();
        } else if ((type == boolean.class || type == Boolean.class) && v instanceof Boolean) {
            return v;
        } else if (type == BigInteger.class && v instanceof Long) {
            return BigInteger.valueOf((Long) v);
        }
        throw new BrineException(what + ": a " + v.getClass().getSimpleName() + " does not fit " + type.getName());
    }
}
