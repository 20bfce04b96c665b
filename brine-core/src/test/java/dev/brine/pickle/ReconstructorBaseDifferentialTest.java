package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.PickleState;
import dev.brine.py.Complex;
import dev.brine.py.GenericObject;
import dev.brine.py.PythonRepr;
import dev.brine.testing.Python;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Instances of registered classes that derive from builtin types, as CPython writes them: at
 * protocols 0 and 1 {@code copyreg._reconstructor(cls, base, base(obj))} (base list, dict, int, str,
 * float, bytes, complex), at 2 and above NEWOBJ with APPENDS or SETITEMS, or with the value
 * {@code __getnewargs__} gives. Read in strict mode (no generic objects) with the subclasses
 * registered (list and dict ones as PickleState classes that are a Java List or Map, value ones as
 * records of what {@code __getnewargs__} gives: the value, or a complex's real and imaginary parts), Brine must load at every protocol what CPython loads: the same type, base
 * value and attributes; and refuse what CPython refuses.
 */
class ReconstructorBaseDifferentialTest {
    /** A registered class whose attributes (its BUILD state) are kept in {@link #attributes()}. */
    interface WithAttributes extends PickleState {
        /** One slot: the state. */
        Object[] attributes();

        @Override
        default Object getState() {
            return attributes()[0];
        }

        @Override
        default void setState(Object s) {
            attributes()[0] = s;
        }
    }

    /** A list subclass: its items in the list. */
    static final class L extends ArrayList<Object> implements WithAttributes {
        final Object[] attributes = new Object[1];

        @Override
        public Object[] attributes() {
            return attributes;
        }
    }

    /** A dict subclass: its items in the map. */
    static final class D extends LinkedHashMap<Object, Object> implements WithAttributes {
        final Object[] attributes = new Object[1];

        @Override
        public Object[] attributes() {
            return attributes;
        }
    }

    record I(BigInteger value) {
    }

    record S(String value) {
    }

    record F(double value) {
    }

    record B(byte[] value) {
    }

    /** What complex.__getnewargs__ gives at protocol 2 and above, and a complex base at 0 and 1. */
    record C(double real, double imag) {
    }

    /** Registered as a class with state: it cannot hold the value of an int base. */
    static final class P implements PickleState {
        @Override
        public Object getState() {
            return null;
        }

        @Override
        public void setState(Object s) {
        }
    }

    private static final String M = "brinebases";
    private static final UnpicklerOptions STRICT = UnpicklerOptions.builder().registry(ClassRegistry.builtins().toBuilder()
            .register(M, "L", L.class, L::new).register(M, "D", D.class, D::new).register(M, "P", P.class, P::new)
            .registerRecord(M, "I", I.class).registerRecord(M, "S", S.class).registerRecord(M, "F", F.class)
            .registerRecord(M, "B", B.class).registerRecord(M, "C", C.class).build()).build();

    private static final String CLASSES = String.join("\n",
            "import pickle, sys, types, copyreg",
            "m = types.ModuleType('" + M + "'); sys.modules['" + M + "'] = m",
            "class L(list): pass",
            "class D(dict): pass",
            "class I(int): pass",
            "class S(str): pass",
            "class F(float): pass",
            "class B(bytes): pass",
            "class C(complex): pass",
            "class P(int): pass",
            "BASES = {L: list, D: dict, I: int, S: str, F: float, B: bytes, C: complex, P: int}",
            "for c in BASES: c.__module__ = '" + M + "'; setattr(m, c.__name__, c)",
            "def attrs(o, **kw): o.__dict__.update(kw); return o",
            "class R:",
            "    def __init__(self, *args): self.args = args",
            "    def __reduce__(self): return (copyreg._reconstructor, self.args)");

    /** Builds the pickles: "protocol expression". */
    private static final String MAKE = CLASSES + "\n" + String.join("\n",
            "def make(line):",
            "    proto, expr = line.split(' ', 1)",
            "    return pickle.dumps(eval(expr), int(proto)).hex()");

    /** CPython's reading: type, base value and attributes, or "-" when it refuses. */
    private static final String LOAD = CLASSES + "\n" + String.join("\n",
            "def load(line):",
            "    v = pickle.loads(bytes.fromhex(line))",
            "    return type(v).__name__ + ' ' + repr(BASES[type(v)](v)) + ' ' + repr(vars(v))");

    private static final String[] OBJECTS = {
        "L([1, 'a', [2]])", "L()", "attrs(L([1]), tag='t')", "L(range(1500))", "D(a=1, b=[2])", "D()",
        "attrs(D(x=1), tag='t')", "D({i: i for i in range(1500)})", "I(5)", "I(0)", "I(-2**70)", "S('hi \\xe9')", "S('')",
        "F(1.5)", "F(-0.0)", "B(b'xy')", "B(b'')", "C(1+2j)",
        // hand-made calls: CPython accepts a tuple of items for a list base, and refuses the rest
        "R(L, list, (1, 2))", "R(L, list, None)", "R(L, list, 5)", "R(D, dict, [1])", "R(D, dict, None)", "R(L, dict, {})",
        "R(D, list, [1])", "R(I, str, 'x')", "R(S, int, 5)", "R(I, int)",
    };

    @Test
    void registeredSubclassesOfBuiltinTypesLoadAsInCPythonAtEveryProtocol() throws IOException {
        Python.require();
        List<String> made = new ArrayList<>();
        for (String obj : OBJECTS) {
            for (int p = 0; p <= 5; p++) {
                made.add(p + " " + obj);
            }
        }
        List<String> pickles = Python.eachLine(MAKE, "make(line)", null, made);
        List<String> expected = Python.eachLine(LOAD, "load(line)", "Exception", pickles);
        List<String> failures = new ArrayList<>();
        int refused = 0;
        for (int k = 0; k < pickles.size(); k++) {
            String actual;
            try {
                actual = describe(Pickle.loads(HexFormat.of().parseHex(pickles.get(k)), STRICT));
            } catch (UnpicklingException e) {
                actual = "-";
                refused++;
            }
            if (!expected.get(k).equals(actual)) {
                failures.add(made.get(k) + ": CPython " + expected.get(k) + ", Brine " + actual);
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(9 * 6, refused, "the nine refused calls, at each protocol");
    }

    /** What the oracle prints for each registered class. */
    private static String describe(Object v) {
        if (v instanceof WithAttributes) {
            Object base = v instanceof L ? new ArrayList<>((L) v) : new LinkedHashMap<>((D) v);
            Object state = ((WithAttributes) v).getState();
            return v.getClass().getSimpleName() + " " + PythonRepr.repr(base) + " " + PythonRepr.repr(state == null ? Map.of() : state);
        }
        Object value = v instanceof I ? ((I) v).value() : v instanceof S ? ((S) v).value() : v instanceof F ? ((F) v).value()
                : v instanceof B ? ((B) v).value() : v instanceof C ? new Complex(((C) v).real(), ((C) v).imag()) : v;
        return v.getClass().getSimpleName() + " " + PythonRepr.repr(value) + " {}";
    }

    @Test
    void aClassWithStateIsNotMadeFromAValueBase() throws IOException {
        Python.require();
        List<String> pickles = Python.eachLine(MAKE, "make(line)", null, List.of("0 P(5)", "1 P(5)"));
        for (String p : pickles) {
            // CPython loads P(5); Brine cannot give a PickleState class the int, and says so
            assertEquals("P 5 {}", Python.eachLine(LOAD, "load(line)", null, List.of(p)).get(0));
            UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(HexFormat.of().parseHex(p), STRICT));
            assertTrue(e.getMessage().startsWith("copyreg._reconstructor: brinebases.P on the base builtins.int: a class"
                    + " registered with its state (PickleState) cannot hold the int value"), e.getMessage());
            assertEquals("REDUCE", e.opcode());
        }
        // protocols 2 and above: NEWOBJ(P, (5,)); the arguments are not dropped in silence either
        for (String p : Python.eachLine(MAKE, "make(line)", null, List.of("2 P(5)", "3 P(5)", "4 P(5)", "5 P(5)"))) {
            assertEquals("P 5 {}", Python.eachLine(LOAD, "load(line)", null, List.of(p)).get(0));
            UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(HexFormat.of().parseHex(p), STRICT));
            assertTrue(e.getMessage().startsWith("brinebases.P is registered with its state (PickleState), whose factory"
                    + " takes no arguments, but the pickle creates it with (5,)"), e.getMessage());
            assertEquals("NEWOBJ", e.opcode());
        }
    }

    /**
     * The bases are registered only as arguments: called in strict mode they are refused; when reading
     * generic objects a call stays inert, as for every class Brine does not model, and writes back as
     * CPython wrote it.
     */
    @Test
    void theBasesAreNotCalledAndGenericReadingKeepsTheirCallsInert() throws IOException, BrineException {
        Python.require();
        List<String> lines = new ArrayList<>();
        for (String call : new String[] {"(int, ('5',))", "(list, ((1, 2),))", "(dict, ())", "(str, (b'x',))", "(float, ('1',))"}) {
            for (int p = 0; p <= 5; p++) {
                lines.add(p + " " + call);
            }
        }
        String script = "import pickle\nclass Q:\n    def __init__(self, r): self.r = r\n    def __reduce__(self): return self.r\n"
                + "def make(line):\n    p, r = line.split(' ', 1)\n    return pickle.dumps(Q(eval(r)), int(p)).hex()";
        List<String> pickles = Python.eachLine(script, "make(line)", null, lines);
        UnpicklerOptions generic = UnpicklerOptions.builder().genericObjects(true).build();
        for (int k = 0; k < lines.size(); k++) {
            byte[] cpython = HexFormat.of().parseHex(pickles.get(k));
            UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(cpython));
            assertTrue(e.getMessage().contains("cannot be called from a pickle"), lines.get(k) + ": " + e.getMessage());
            Object inert = Pickle.loads(cpython, generic);
            assertInstanceOf(GenericObject.class, inert, lines.get(k));
            assertArrayEquals(cpython, Pickle.dumps(inert, Integer.parseInt(lines.get(k).substring(0, 1))), lines.get(k));
        }
    }
}
