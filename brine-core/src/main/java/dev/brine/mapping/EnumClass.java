package dev.brine.mapping;

import dev.brine.BrineException;
import dev.brine.py.ByteArray;
import dev.brine.py.Complex;
import dev.brine.py.Global;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A registered Java enum read as the Python {@code enum.Enum} class it stands for. CPython pickles an enum member
 * by value, {@code Color(1)} through REDUCE ({@code Enum.__reduce_ex__}), and reading calls the class, which looks
 * the member up by that value; here the lookup is in a table of each constant's value, made once at registration,
 * under a key that is equal where Python's {@code ==} is (see {@link #key}). Two constants of one value are one
 * member, as a Python alias is: the first declared is the member, and the other is written as it.
 */
final class EnumClass<E extends Enum<E>> implements PyCallable {
    /** The deepest nesting of tuples and lists in a value that is looked up; deeper matches nothing. */
    private static final int MAX_DEPTH = 64;
    /**
     * The most items a lookup's key is made of; a bigger value matches nothing. A pickle can nest one tuple in
     * the next twice over ({@code t1 = (t0, t0)}, {@code t2 = (t1, t1)} ...), which walked item by item is
     * exponential in its depth.
     */
    private static final int MAX_ITEMS = 100_000;

    private final Global global;
    private final Class<E> type;
    private final Map<E, Object> values;
    private final Map<E, Object> keys;
    private final Map<E, E> members; // each constant's first-declared constant of the same value
    private final Map<Object, E> byKey = new HashMap<>();

    /**
     * @throws IllegalArgumentException if a value is a constant of this enum, or nested deeper than
     *     {@link #MAX_DEPTH} (or in a cycle)
     */
    EnumClass(Global global, Class<E> type, Map<E, Object> values) {
        this.global = global;
        this.type = type;
        this.values = new EnumMap<>(values);
        this.keys = new EnumMap<>(type);
        this.members = new EnumMap<>(type);
        for (E constant : type.getEnumConstants()) {
            Object value = values.get(constant);
            if (type.isInstance(value)) {
                throw new IllegalArgumentException("enum " + type.getName() + " cannot be registered: the value of "
                        + constant.name() + " is a constant of the enum itself; give the Python member's value (an int,"
                        + " a str ...)");
            }
            Object key = key(value);
            if (key == TOO_DEEP) {
                throw new IllegalArgumentException("enum " + type.getName() + " cannot be registered: the value of "
                        + constant.name() + " nests tuples or lists deeper than " + MAX_DEPTH + " or holds more than "
                        + MAX_ITEMS + " items (or holds itself)");
            }
            keys.put(constant, key);
            E first = byKey.putIfAbsent(key, constant);
            members.put(constant, first == null ? constant : first);
        }
    }

    Class<E> type() {
        return type;
    }

    /** The member {@code constant} is in Python: itself, or for an alias the first constant of its value. */
    E member(E constant) {
        return members.get(constant);
    }

    /** The value {@code constant} is written with: its member's. */
    Object valueOf(E constant) {
        return values.get(member(constant));
    }

    /**
     * Whether {@code other} gives every constant a value equal to this one's (a second registration of the type).
     * Here a NaN is the same value as a NaN, though no lookup finds either: the same value function gives the same
     * registration.
     */
    boolean sameValues(EnumClass<?> other) {
        if (!keys.keySet().equals(other.keys.keySet())) {
            return false;
        }
        for (Map.Entry<E, Object> e : keys.entrySet()) {
            if (!sameKey(e.getValue(), other.keys.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameKey(Object a, Object b) {
        if (a instanceof NanKey || b instanceof NanKey) {
            return a instanceof NanKey && b instanceof NanKey;
        }
        if (a instanceof TupleKey ta && b instanceof TupleKey tb) {
            return sameKeys(ta.items(), tb.items());
        }
        if (a instanceof ListKey la && b instanceof ListKey lb) {
            return sameKeys(la.items(), lb.items());
        }
        return java.util.Objects.equals(a, b); // a None value's key is null
    }

    private static boolean sameKeys(List<Object> a, List<Object> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!sameKey(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Global global() {
        return global;
    }

    @Override
    public String toString() {
        return GlobalKind.CLASS.repr(global);
    }

    /** {@code Color(value)}: the member of that value. */
    @Override
    public Object call(Tuple args) throws BrineException {
        if (args.size() != 1) {
            throw new BrineException(global + " takes one value to look a member up by, got " + args.size() + " arguments");
        }
        Object value = args.get(0);
        E constant = byKey.get(key(value));
        if (constant == null) {
            throw new BrineException(PythonRepr.brief(value) + " is not a value of " + global + ": the Java enum "
                    + type.getName() + " has no constant of that value (a Flag's combination of members, or a value"
                    + " the Python class's _missing_ accepts, needs a constant of its own)");
        }
        return constant;
    }

    private static final Object TOO_DEEP = new Object();

    /**
     * A key equal to another's exactly when Python's {@code ==} holds between the two values, for the values a
     * member's value is usually made of, whatever Java types hold them: numbers by their value ({@code 1 == 1.0 ==
     * True}, an Integer from the value function and a Long from the pickle), a Character as its str, bytes and
     * bytearray by content, tuples ({@code Tuple}, {@code Object[]}) and lists item by item; NaN equals nothing.
     * Anything else stands for itself (Java's equality).
     */
    private static Object key(Object v) {
        return key(v, 0, new int[] {MAX_ITEMS});
    }

    /** {@link #key} of {@code v} at {@code depth}, within the items {@code budget} has left. */
    private static Object key(Object v, int depth, int[] budget) {
        if (depth > MAX_DEPTH || --budget[0] < 0) {
            return TOO_DEEP;
        }
        if (v instanceof Boolean) {
            return (Boolean) v ? 1L : 0L;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger) {
            return integer((BigInteger) v);
        }
        if (v instanceof Double || v instanceof Float) {
            return ofDouble(((Number) v).doubleValue());
        }
        if (v instanceof BigDecimal) {
            BigDecimal d = ((BigDecimal) v).stripTrailingZeros();
            if (d.scale() <= 0) {
                // an integral Decimal equals that int; one past 10**400 is kept as it is, not expanded (1E+999999999)
                return d.precision() - d.scale() <= 400 ? integer(d.toBigIntegerExact()) : d;
            }
            double near = d.doubleValue();
            // Decimal('2.5') == 2.5 in Python, as the exact values are compared; Decimal('0.1') != 0.1
            return Double.isFinite(near) && new BigDecimal(near).compareTo(d) == 0 ? (Object) near : d;
        }
        if (v instanceof Complex) {
            Complex c = (Complex) v;
            return c.imag() == 0 ? ofDouble(c.real()) : List.of(ofDouble(c.real()), ofDouble(c.imag()), "complex");
        }
        if (v instanceof Character) {
            return String.valueOf(((Character) v).charValue());
        }
        if (v instanceof byte[]) {
            return ByteBuffer.wrap((byte[]) v);
        }
        if (v instanceof ByteArray) {
            return ByteBuffer.wrap(((ByteArray) v).array()); // b'x' == bytearray(b'x')
        }
        if (v instanceof Tuple || v instanceof Object[]) {
            List<?> list = v instanceof Tuple ? ((Tuple) v).asList() : java.util.Arrays.asList((Object[]) v);
            List<Object> items = items(list, depth, budget);
            return items == null ? TOO_DEEP : new TupleKey(items);
        }
        if (v instanceof List) {
            List<Object> items = items((List<?>) v, depth, budget);
            return items == null ? TOO_DEEP : new ListKey(items);
        }
        return v;
    }

    /** The keys of {@code items}, or null when one is nested too deep or the budget runs out. */
    private static List<Object> items(List<?> items, int depth, int[] budget) {
        if (items.size() > budget[0]) {
            return null;
        }
        List<Object> keys = new ArrayList<>(items.size());
        for (Object item : items) {
            Object k = key(item, depth + 1, budget);
            if (k == TOO_DEEP) {
                return null;
            }
            keys.add(k);
        }
        return keys;
    }

    private static Object integer(BigInteger b) {
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    private static Object ofDouble(double d) {
        if (Double.isNaN(d)) {
            return new NanKey(); // nan == nan is false: a NaN value is found by no lookup, as in CPython
        }
        if (!Double.isInfinite(d) && d == Math.rint(d)) {
            return integer(new BigDecimal(d).toBigIntegerExact());
        }
        return d;
    }

    /** A NaN's key: equal to nothing but itself (its class's identity equality). */
    private static final class NanKey {
    }

    /** A tuple's items' keys: never equal to a list's. */
    private record TupleKey(List<Object> items) {
    }

    /** A list's items' keys. */
    private record ListKey(List<Object> items) {
    }
}
