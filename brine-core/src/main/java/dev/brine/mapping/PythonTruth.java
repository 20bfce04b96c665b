package dev.brine.mapping;

import dev.brine.py.ByteArray;
import dev.brine.py.Complex;
import dev.brine.py.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * Python's truth ({@code bool(v)}) of a value as Brine holds it, for the places that follow an {@code if v:} of
 * CPython or a library: a state written only when true, torch's {@code if metadata:}, numpy's copy flag. One place,
 * so they agree. Not part of the public API.
 */
public final class PythonTruth {
    private PythonTruth() {
    }

    /**
     * False for None, False, a zero number (int, float, complex, Decimal, timedelta), an empty str, bytes, bytearray,
     * tuple or container; true for anything else, as for a Python object without {@code __bool__} or {@code __len__}.
     */
    public static boolean isTrue(Object v) {
        if (v == null || Boolean.FALSE.equals(v)) {
            return false;
        } else if (v instanceof Map) {
            return !((Map<?, ?>) v).isEmpty();
        } else if (v instanceof Collection) {
            return !((Collection<?>) v).isEmpty();
        } else if (v instanceof Tuple) {
            return ((Tuple) v).size() > 0;
        } else if (v instanceof String) {
            return !((String) v).isEmpty();
        } else if (v instanceof byte[]) {
            return ((byte[]) v).length > 0;
        } else if (v instanceof Long || v instanceof Integer) {
            return ((Number) v).longValue() != 0;
        } else if (v instanceof Double) {
            return (Double) v != 0.0;
        } else if (v instanceof BigInteger) {
            return ((BigInteger) v).signum() != 0;
        } else if (v instanceof Short || v instanceof Byte) {
            return ((Number) v).intValue() != 0;
        } else if (v instanceof Float) {
            return (Float) v != 0.0f;
        } else if (v instanceof BigDecimal) {
            return ((BigDecimal) v).signum() != 0;
        } else if (v instanceof ByteArray) {
            return ((ByteArray) v).size() > 0;
        } else if (v instanceof Complex) {
            return ((Complex) v).real() != 0 || ((Complex) v).imag() != 0;
        } else if (v instanceof Object[]) {
            return ((Object[]) v).length > 0; // a tuple
        } else if (v instanceof Duration) {
            return !((Duration) v).isZero(); // timedelta(0) is false
        }
        return true;
    }
}
