package dev.brine.pickle;

import dev.brine.mapping.PyCallable;
import dev.brine.py.ByteArray;
import dev.brine.py.Complex;
import dev.brine.py.FrozenSet;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.OrderedDict;
import dev.brine.py.PickleBuffer;
import dev.brine.py.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.opentest4j.AssertionFailedError;

/**
 * Compares what Brine read with what it should have read: exact Java types of the contract,
 * values (floats bit for bit, collections in order), and aliasing — every object whose identity
 * the expectation tracks must map to one actual object and back (a shared reference is one Java
 * object, a distinct object stays distinct, cycles close on the same object). Never calls
 * equals/hashCode/toString on containers, so cyclic graphs are safe.
 */
final class GraphAssert {
    private final java.util.IdentityHashMap<Object, Boolean> tracked;
    private final java.util.IdentityHashMap<Object, Object> toActual = new java.util.IdentityHashMap<>();
    private final java.util.IdentityHashMap<Object, Object> toExpected = new java.util.IdentityHashMap<>();

    /** Checks aliasing for the expected objects in {@code tracked}. */
    GraphAssert(java.util.IdentityHashMap<Object, Boolean> tracked) {
        this.tracked = tracked;
    }

    /** Asserts that {@code actual} matches {@code expected}; {@code where} names the case in messages. */
    static void assertGraph(ExpectedGraph g, Object expected, Object actual, String where) {
        new GraphAssert(g.tracked()).check(expected, actual, where + ": $");
    }

    void check(Object e, Object a, String path) {
        if (e == null) {
            expect(a == null, path, "None", a);
            return;
        }
        if (tracked.containsKey(e)) {
            Object seen = toActual.get(e);
            if (seen != null) {
                if (seen != a) {
                    fail(path, "expected the same object as before (a shared reference), found a different one");
                }
                return;
            }
            if (a != null && toExpected.containsKey(a)) {
                fail(path, "expected a distinct object, found one already met elsewhere (wrongly shared)");
            }
            if (a != null) {
                toActual.put(e, a);
                toExpected.put(a, e);
            }
        }
        if (e instanceof Boolean || e instanceof Long || e instanceof BigInteger || e instanceof String
                || e instanceof BigDecimal || e instanceof Global || e instanceof TemporalAccessor || e instanceof Duration
                || e instanceof ByteArray) {
            if (e instanceof Global && a instanceof PyCallable) {
                a = ((PyCallable) a).global();
            }
            expectType(e, a, path);
            if (!e.equals(a)) {
                fail(path, "expected " + show(e) + ", found " + show(a));
            }
        } else if (e instanceof Double) {
            expectType(e, a, path);
            long eb = Double.doubleToRawLongBits((Double) e);
            long ab = Double.doubleToRawLongBits((Double) a);
            if (eb != ab) {
                fail(path, "expected float " + e + " (bits " + Long.toHexString(eb) + "), found " + a + " (bits "
                        + Long.toHexString(ab) + ")");
            }
        } else if (e instanceof Complex) {
            expectType(e, a, path);
            Complex ec = (Complex) e;
            Complex ac = (Complex) a;
            if (Double.doubleToRawLongBits(ec.real()) != Double.doubleToRawLongBits(ac.real())
                    || Double.doubleToRawLongBits(ec.imag()) != Double.doubleToRawLongBits(ac.imag())) {
                fail(path, "expected " + ec + ", found " + ac);
            }
        } else if (e instanceof byte[]) {
            expectType(e, a, path);
            if (!Arrays.equals((byte[]) e, (byte[]) a)) {
                fail(path, "bytes differ: expected " + ((byte[]) e).length + " bytes, found " + ((byte[]) a).length);
            }
        } else if (e instanceof PickleBuffer) {
            expectType(e, a, path);
            PickleBuffer eb = (PickleBuffer) e;
            PickleBuffer ab = (PickleBuffer) a;
            if (eb.isReadOnly() != ab.isReadOnly() || !Arrays.equals(eb.toByteArray(), ab.toByteArray())) {
                fail(path, "expected buffer " + Arrays.toString(eb.toByteArray()) + (eb.isReadOnly() ? " read-only" : "")
                        + ", found " + Arrays.toString(ab.toByteArray()) + (ab.isReadOnly() ? " read-only" : ""));
            }
        } else if (e instanceof Tuple) {
            expectType(e, a, path);
            items(((Tuple) e).asList(), ((Tuple) a).asList(), path);
        } else if (e instanceof ArrayList) {
            expectType(e, a, path);
            items((List<?>) e, (List<?>) a, path);
        } else if (e instanceof LinkedHashMap) { // dict and OrderedDict
            expectType(e, a, path);
            entries((Map<?, ?>) e, (Map<?, ?>) a, path);
        } else if (e instanceof LinkedHashSet || e instanceof FrozenSet) {
            expectType(e, a, path);
            items(new ArrayList<>((java.util.Set<?>) e), new ArrayList<>((java.util.Set<?>) a), path);
        } else if (e instanceof GenericObject) {
            expectType(e, a, path);
            GenericObject eg = (GenericObject) e;
            GenericObject ag = (GenericObject) a;
            if (eg.creation() != ag.creation()) {
                fail(path, "expected creation " + eg.creation() + ", found " + ag.creation());
            }
            check(eg.callable(), ag.callable(), path + ".callable");
            check(eg.args(), ag.args(), path + ".args");
            entries(eg.kwargs(), ag.kwargs(), path + ".kwargs");
            if (eg.hasState() != ag.hasState()) {
                fail(path, eg.hasState() ? "expected a BUILD state, found none" : "expected no BUILD state, found one");
            }
            check(eg.state(), ag.state(), path + ".state");
            items(eg.listItems(), ag.listItems(), path + ".listItems");
            entries(eg.dictItems(), ag.dictItems(), path + ".dictItems");
        } else {
            throw new IllegalArgumentException("no comparison for expected " + e.getClass());
        }
    }

    private void items(List<?> e, List<?> a, String path) {
        if (e.size() != a.size()) {
            fail(path, "expected " + e.size() + " items, found " + a.size());
        }
        for (int i = 0; i < e.size(); i++) {
            check(e.get(i), a.get(i), path + "[" + i + "]");
        }
    }

    private void entries(Map<?, ?> e, Map<?, ?> a, String path) {
        if (e.size() != a.size()) {
            fail(path, "expected " + e.size() + " entries, found " + a.size());
        }
        Iterator<? extends Map.Entry<?, ?>> ai = a.entrySet().iterator();
        int i = 0;
        for (Map.Entry<?, ?> ee : e.entrySet()) {
            Map.Entry<?, ?> ae = ai.next();
            check(ee.getKey(), ae.getKey(), path + ".key#" + i);
            check(ee.getValue(), ae.getValue(), path + "[" + show(ee.getKey()) + "]");
            i++;
        }
    }

    private static void expectType(Object e, Object a, String path) {
        Class<?> want = e instanceof OrderedDict ? OrderedDict.class : e.getClass();
        if (a == null || a.getClass() != want) {
            fail(path, "expected a " + want.getName() + ", found " + (a == null ? "null" : a.getClass().getName()));
        }
    }

    private static void expect(boolean ok, String path, String what, Object a) {
        if (!ok) {
            fail(path, "expected " + what + ", found " + show(a));
        }
    }

    private static String show(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof String) {
            String s = (String) v;
            return "'" + (s.length() > 60 ? s.substring(0, 60) + "...(" + s.length() + " chars)" : s) + "'";
        }
        if (v instanceof List || v instanceof Map || v instanceof java.util.Set || v instanceof Tuple
                || v instanceof GenericObject) {
            return v.getClass().getSimpleName(); // may be cyclic
        }
        return v.getClass().getSimpleName() + " " + v;
    }

    private static void fail(String path, String message) {
        throw new AssertionFailedError(path + ": " + message);
    }
}
