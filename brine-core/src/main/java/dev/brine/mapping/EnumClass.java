package dev.brine.mapping;

import dev.brine.BrineException;
import dev.brine.py.Global;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;

/**
 * A registered Java enum read as the Python {@code enum.Enum} class it stands for. CPython pickles an enum member
 * by value, {@code Color(1)} through REDUCE ({@code Enum.__reduce_ex__}), and reading calls the class, which looks
 * the member up by that value; here the lookup is in a table of each constant's value, made once at registration.
 * A value no constant has is refused with CPython's message. Two constants of one value are one member, as a Python
 * alias is: the first declared is the one read.
 */
final class EnumClass<E extends Enum<E>> implements PyCallable {
    private final Global global;
    private final Class<E> type;
    private final Map<Object, E> byValue = new HashMap<>();

    EnumClass(Global global, Class<E> type, Map<E, Object> values) {
        this.global = global;
        this.type = type;
        for (E constant : type.getEnumConstants()) {
            byValue.putIfAbsent(key(values.get(constant)), constant);
        }
    }

    Class<E> type() {
        return type;
    }

    @Override
    public Global global() {
        return global;
    }

    @Override
    public String toString() {
        return GlobalKind.CLASS.repr(global);
    }

    /** {@code Color(value)}: the constant of that value. */
    @Override
    public Object call(Tuple args) throws BrineException {
        if (args.size() != 1) {
            throw new BrineException(global + " takes one value to look a member up by, got " + args.size() + " arguments");
        }
        Object value = args.get(0);
        E constant = byValue.get(key(value));
        if (constant == null) {
            // CPython's ValueError, word for word
            throw new BrineException(PythonRepr.brief(value) + " is not a valid " + global.name()
                    + " (no constant of " + type.getName() + " has that value)");
        }
        return constant;
    }

    /**
     * The lookup key of a value: an integral number as a Long or BigInteger (a value function may give an
     * Integer, the pickle gives a Long), a bool as 0 or 1 and an integral float as that int (Python's
     * {@code 1 == 1.0 == True}, which finds the member in CPython's value table); anything else as itself.
     */
    static Object key(Object v) {
        if (v instanceof Boolean) {
            return (Boolean) v ? 1L : 0L;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if ((v instanceof Double || v instanceof Float) && isIntegral(((Number) v).doubleValue())) {
            double d = ((Number) v).doubleValue();
            return Math.abs(d) < 0x1p63 ? (Object) (long) d : key(new java.math.BigDecimal(d).toBigInteger());
        }
        if (v instanceof BigInteger && ((BigInteger) v).bitLength() < 64) {
            return ((BigInteger) v).longValue();
        }
        return v;
    }

    private static boolean isIntegral(double d) {
        return !Double.isInfinite(d) && d == Math.rint(d);
    }
}
