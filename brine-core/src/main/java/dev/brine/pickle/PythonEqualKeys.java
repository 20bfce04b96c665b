package dev.brine.pickle;

import dev.brine.mapping.ClassRegistry;
import dev.brine.ndarray.DType;
import dev.brine.numpy.NumpyScalar;
import dev.brine.py.Complex;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Refuses to write a dict or set whose keys are distinct in Java but one key in Python, where
 * {@code 1 == 1.0 == True == Decimal('1.00') == 1+0j}, {@code 0.0 == -0.0}, bytes and tuples compare by
 * content (a {@code byte[]} and an {@code Object[]} by identity in Java), and aware datetimes and times by
 * the instant they stand for (an {@code OffsetDateTime} by its offset too). Python would load such a dict with one key and the
 * last value, losing the others without a word; the pickler refuses it instead, as it refuses a key
 * Python cannot hash. Only keys that are not strings are looked at: a str equals only a str, in both
 * languages alike, so a dict of string keys (nearly every dict) costs nothing here. Tuples and
 * frozensets are compared as Java compares them, not item by item as Python does: walking each key
 * would make a dict whose keys share one big tuple cost its size times the number of keys, so
 * {@code (1, 2)} and {@code (1.0, 2)} are still two keys (documented in the README).
 */
final class PythonEqualKeys {
    private PythonEqualKeys() {
    }

    /**
     * Throws when two of {@code keys} are equal in Python.
     *
     * @param what "dict key", "set item" or "frozenset item", for the message
     */
    static void requireDistinct(Collection<?> keys, String what, ClassRegistry registry) throws PicklingException {
        if (javaEqualityIsPythons(keys)) {
            return;
        }
        Map<Object, Object> seen = new HashMap<>();
        boolean strings = hasStrOtherThanString(keys); // np.str_('a') == 'a': then strings are looked at too
        for (Object key : keys) {
            if (key instanceof String && !strings) {
                continue;
            }
            // an alias constant of a registered enum is written as its member: one key in Python
            Object earlier = seen.putIfAbsent(pythonValue(key instanceof Enum ? registry.member(key) : key), key);
            if (earlier != null) {
                throw new PicklingException("cannot pickle a " + (what.startsWith("dict") ? "dict" : what.replace(" item", ""))
                        + " whose " + what + "s " + describe(earlier) + " and " + describe(key) + " are distinct in Java but"
                        + " equal in Python: Python would keep only one of them");
            }
        }
    }

    /** Whether a key that is not a String is written as, or equals, a str: a numpy str or a Character. */
    private static boolean hasStrOtherThanString(Collection<?> keys) {
        for (Object key : keys) {
            if (key instanceof Character
                    || key instanceof NumpyScalar && ((NumpyScalar) key).dtype().kind() == DType.Kind.UNICODE) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the keys that are not strings are all of one class whose {@code equals} is Python's
     * {@code ==} between two of them: the usual int-keyed (or date-keyed, tuple-keyed) dict, which
     * is then not looked at key by key. Doubles qualify when the dict does not hold both zeros.
     */
    private static boolean javaEqualityIsPythons(Collection<?> keys) {
        Class<?> only = null;
        DType numpyType = null; // the one dtype of numpy scalar keys
        boolean positiveZero = false;
        boolean negativeZero = false;
        for (Object key : keys) {
            if (key instanceof String) {
                continue;
            }
            Class<?> type = key == null ? Void.class : key.getClass();
            if (only == null) {
                only = type;
            } else if (type != only) {
                return false;
            }
            if (type == NumpyScalar.class) {
                DType t = ((NumpyScalar) key).dtype();
                if (numpyType == null) {
                    numpyType = t;
                } else if (!numpyType.equals(t)) {
                    return false; // np.float32(1) == np.float64(1)
                }
            }
            if (type == Double.class || type == Float.class) {
                double d = ((Number) key).doubleValue();
                positiveZero |= d == 0 && Double.doubleToRawLongBits(d) == 0;
                negativeZero |= d == 0 && Double.doubleToRawLongBits(d) != 0;
            }
        }
        if (only == Double.class || only == Float.class) {
            return !(positiveZero && negativeZero);
        }
        // a byte[] and an Object[] compare by identity, a BigDecimal by scale too, aware datetimes and times by
        // offset too (a Complex's zeros compare as Python's)
        if (only == NumpyScalar.class) {
            // integers and bools of one dtype are equal exactly when their bytes are (a float's two zeros are not)
            DType.Kind k = numpyType.kind();
            return k == DType.Kind.INT || k == DType.Kind.UINT || k == DType.Kind.BOOL;
        }
        // a Character is written as a str, equal to a String key of the same char
        // an enum's alias constant is written as its member (ClassRegistry.member)
        return only != byte[].class && only != Object[].class && only != BigDecimal.class && only != OffsetDateTime.class
                && only != OffsetTime.class && only != Character.class && (only == null || !Enum.class.isAssignableFrom(only));
    }

    /**
     * A value that equals another's exactly when Python's {@code ==} holds between the two keys:
     * numbers by their exact value (a stripped BigDecimal), bytes by content; anything else stands for
     * itself (Java's equality, which for the other key types Brine writes is Python's, tuples and
     * frozensets of numbers of mixed types aside).
     */
    private static Object pythonValue(Object key) {
        // every number as a stripped BigDecimal (whose equals compares the scale too): 10 and 10.0 are both 1E+1
        if (key instanceof Boolean) {
            return BigDecimal.valueOf((Boolean) key ? 1 : 0);
        }
        if (key instanceof Long || key instanceof Integer || key instanceof Short || key instanceof Byte) {
            return BigDecimal.valueOf(((Number) key).longValue()).stripTrailingZeros();
        }
        if (key instanceof BigInteger) {
            return new BigDecimal((BigInteger) key).stripTrailingZeros();
        }
        if (key instanceof Double || key instanceof Float) {
            return ofDouble(((Number) key).doubleValue(), key);
        }
        if (key instanceof BigDecimal) {
            return ((BigDecimal) key).stripTrailingZeros();
        }
        if (key instanceof Complex) {
            Complex c = (Complex) key;
            return c.imag() == 0 ? ofDouble(c.real(), key) : new ComplexValue(ofDouble(c.real(), key), ofDouble(c.imag(), key));
        }
        if (key instanceof Character) {
            return String.valueOf(((Character) key).charValue()); // written as a one-character str
        }
        if (key instanceof byte[]) {
            return ByteBuffer.wrap((byte[]) key);
        }
        if (key instanceof OffsetDateTime) {
            return ((OffsetDateTime) key).toInstant(); // aware datetimes are equal at the same instant, whatever the offset
        }
        if (key instanceof OffsetTime) {
            // aware times compare with their offsets subtracted, without wrapping at midnight
            OffsetTime t = (OffsetTime) key;
            return new AwareTime(t.toLocalTime().toNanoOfDay() - t.getOffset().getTotalSeconds() * 1_000_000_000L);
        }
        if (key instanceof NumpyScalar && isPlainValue((NumpyScalar) key)) {
            Object value;
            try {
                value = ((NumpyScalar) key).value();
            } catch (IllegalStateException e) { // bytes Java cannot hold as a value (a str unit past U+10FFFF)
                return key;
            }
            return pythonValue(value); // np.float64(1.0) == 1, np.str_('a') == 'a'
        }
        if (key instanceof Object[]) {
            return Tuple.of((Object[]) key); // written as a tuple: equal to a tuple of the same items (not by identity)
        }
        return key;
    }

    /**
     * A numpy scalar that equals the Python value it holds: a bool, an int, a float or complex of at most double
     * parts (a long double's value is rounded to a double here, which could make two of them look equal), bytes
     * or str. Datetimes and others stand for themselves.
     */
    private static boolean isPlainValue(NumpyScalar s) {
        DType t = s.dtype();
        return switch (t.kind()) {
            case BOOL, INT, UINT, BYTES, UNICODE -> true;
            case FLOAT -> t.itemsize() <= 8;
            case COMPLEX -> t.itemsize() <= 16;
            default -> false;
        };
    }

    /** An aware time, as the nanoseconds of its time of day minus its offset. */
    private record AwareTime(long utcNanos) {
    }

    /** A finite double's exact value; NaN (equal to nothing, not even itself) and infinities stand for the key. */
    private static Object ofDouble(double d, Object key) {
        if (Double.isNaN(d)) {
            return new Object(); // never equal: two NaN keys are two keys in Python
        }
        if (Double.isInfinite(d)) {
            return d;
        }
        return new BigDecimal(d).stripTrailingZeros();
    }

    /** A complex number with an imaginary part: equal only to one with the same two parts. */
    private record ComplexValue(Object real, Object imag) {
    }

    private static String describe(Object key) {
        String type = key instanceof byte[] ? "byte[]" : key.getClass().getSimpleName();
        return PythonRepr.brief(key) + " (" + type + ")";
    }
}
