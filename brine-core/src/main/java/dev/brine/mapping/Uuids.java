package dev.brine.mapping;

import dev.brine.BrineException;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.Tuple;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Python's {@code uuid.UUID} as {@link UUID}. CPython pickles a UUID as a plain object of its class: {@code
 * UUID.__new__(UUID)} (NEWOBJ, or {@code copyreg._reconstructor(UUID, object, None)} below protocol 2), then BUILD
 * with {@code __getstate__}'s dict, {@code {'int': n}}, and {@code 'is_safe': v} when the UUID knows whether it was
 * made safely. {@code UUID.__setstate__} sets those two attributes and checks nothing, and nothing runs here either:
 * the state is read as data. A state a UUID can be made of (an int in {@code [0, 2**128)}; an is_safe of
 * {@code SafeUUID}'s values 0, -1 or None) reads as a {@link UUID}, dropping is_safe, which a Java UUID cannot hold
 * and Python's {@code ==} and {@code hash} ignore (as a naive datetime's fold is dropped). Any other state stays the
 * inert generic object an unregistered class gives, written back byte for byte. A {@link UUID} is written as CPython
 * writes a UUID whose is_safe is unknown (uuid4, or one made from a str): {@code {'int': n}}.
 */
final class Uuids {
    static final Global UUID_CLASS = new Global("uuid", "UUID");
    private static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(128);

    private Uuids() {
    }

    static void addTo(ClassRegistry.Builder b) {
        b.registerCallable(new UuidClass());
        b.registerWriter(UUID.class, u -> Reduction.newObjectWithState(UUID_CLASS, stateOf(u)));
    }

    /** {@code u.__getstate__()} in CPython for a UUID of unknown safety: its 128 bits as one unsigned int. */
    private static Map<Object, Object> stateOf(UUID u) {
        BigInteger n = unsigned(u.getMostSignificantBits()).shiftLeft(64).or(unsigned(u.getLeastSignificantBits()));
        Map<Object, Object> state = new LinkedHashMap<>();
        state.put("int", n.bitLength() < 64 ? (Object) n.longValue() : n); // as Brine reads a Python int
        return state;
    }

    private static BigInteger unsigned(long bits) {
        BigInteger b = BigInteger.valueOf(bits);
        return bits >= 0 ? b : b.add(BigInteger.ONE.shiftLeft(64));
    }

    /** The UUID {@code state} stands for, or null when it is not a state CPython's UUID could have written. */
    static UUID fromState(Object state) {
        if (!(state instanceof Map)) {
            return null;
        }
        Map<?, ?> m = (Map<?, ?>) state;
        if (!m.containsKey("int") || m.size() > (m.containsKey("is_safe") ? 2 : 1)) {
            return null;
        }
        Object safe = m.get("is_safe");
        if (m.containsKey("is_safe") && safe != null && !Long.valueOf(0).equals(safe) && !Long.valueOf(-1).equals(safe)) {
            return null; // CPython's SafeUUID(v) refuses it
        }
        Object value = m.get("int");
        BigInteger n = value instanceof Long ? BigInteger.valueOf((Long) value)
                : value instanceof BigInteger ? (BigInteger) value : null;
        if (n == null || n.signum() < 0 || n.compareTo(LIMIT) >= 0) {
            return null;
        }
        return new UUID(n.shiftRight(64).longValue(), n.longValue());
    }

    /** The class {@code uuid.UUID}: made by its {@code __new__}, whole once BUILD has given it its state. */
    static final class UuidClass implements PyCallable {
        @Override
        public Global global() {
            return UUID_CLASS;
        }

        @Override
        public String toString() {
            return GlobalKind.CLASS.repr(UUID_CLASS);
        }

        /** {@code uuid.UUID(...)} called (CPython never writes it so): kept as the inert call it is. */
        @Override
        public Object call(Tuple args) {
            return GenericObject.reduced(UUID_CLASS, args);
        }

        @Override
        public Object newObject(Tuple args, Map<Object, Object> kwargs) {
            if (!args.isEmpty() || !kwargs.isEmpty()) {
                // object.__new__ ignores them (UUID has its own __init__): kept as given, as an unregistered class's
                return kwargs.isEmpty() ? GenericObject.newObject(UUID_CLASS, args)
                        : new GenericObject(UUID_CLASS, GenericObject.Creation.NEWOBJ_EX, args, kwargs);
            }
            return new AwaitingState();
        }
    }

    /** A UUID between its {@code __new__} and its BUILD. */
    private static final class AwaitingState implements Deferred {
        @Override
        public Object complete(Object state) throws BrineException {
            UUID u = fromState(state);
            if (u != null) {
                return u;
            }
            GenericObject g = GenericObject.newObject(UUID_CLASS, Tuple.empty());
            g.setState(state);
            return g;
        }

        /** Without a BUILD, a UUID with no attributes: kept as the inert object it is. */
        @Override
        public Object unbuilt() {
            return GenericObject.newObject(UUID_CLASS, Tuple.empty());
        }

        @Override
        public String toString() {
            return "uuid.UUID (before its BUILD)";
        }
    }
}
