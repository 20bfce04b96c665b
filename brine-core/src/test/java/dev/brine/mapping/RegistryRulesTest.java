package dev.brine.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.numpy.NumpyPickles;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.PicklingException;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.Global;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which registration applies to a class: a subclass with its own {@link PythonName} is written and
 * versioned as itself, not as its registered superclass; a name reads as one class (a second class, or
 * a user class under one of the library's names, is refused, and {@link ClassRegistry.Builder#remove}
 * frees a name deliberately); a writer registered for an interface applies to the classes implementing
 * it, and competing interfaces are refused by name. Checked against CPython where it has a side.
 */
class RegistryRulesTest {
    /** {@code brine_rr.A}, versioned: version 1 called its weights {@code W}. */
    @PythonName(module = "brine_rr", name = "A")
    @StateVersion(2)
    static class A implements PickleState {
        static final StateVersions VERSIONS = StateVersions.current(2).migration(1, s -> {
            Map<String, Object> m = StateVersions.dict(s);
            m.put("weights", m.remove("W"));
            return m;
        });
        Object weights;

        @Override
        public Object getState() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("weights", weights);
            return m;
        }

        @Override
        public void setState(Object state) throws BrineException {
            weights = StateVersions.dict(state).get("weights");
        }
    }

    /** {@code brine_rr.B}, a subclass with its own name and no versions. */
    @PythonName(module = "brine_rr", name = "B")
    static final class B extends A {
        String extra;

        @Override
        public Object getState() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("weights", weights);
            m.put("extra", extra);
            return m;
        }

        @Override
        public void setState(Object state) throws BrineException {
            Map<String, Object> m = StateVersions.dict(state);
            weights = m.get("weights");
            extra = (String) m.get("extra");
        }
    }

    private static final String PYTHON_CLASSES = String.join("\n",
            "import pickle, sys, types",
            "m = types.ModuleType('brine_rr')",
            "sys.modules['brine_rr'] = m",
            "exec('''",
            "class A:",
            "    pass",
            "class B(A):",
            "    pass",
            "''', m.__dict__)");

    @Test
    void aSubclassWithItsOwnNameIsWrittenAsItselfWithOnlyTheSuperclassRegistered() throws IOException {
        ClassRegistry onlyA = ClassRegistry.builtins().toBuilder().registerVersioned(A.class, A::new, A.VERSIONS).build();
        B b = new B();
        b.weights = List.of(1L, 2L);
        b.extra = "hello";
        byte[] data = Pickle.dumps(b, PicklerOptions.builder().registry(onlyA).protocol(2).build());
        String loaded = Python.checkText(String.join("\n", PYTHON_CLASSES,
                "o = pickle.load(open(sys.argv[1], 'rb'))",
                "print(type(o).__qualname__, o.__dict__)"), write(data));
        assertEquals("B {'weights': [1, 2], 'extra': 'hello'}", loaded.strip());
        assertEquals(new Global("brine_rr", "B"), onlyA.pythonNameOf(B.class));
    }

    @Test
    void theSuperclassesMigrationsDoNotRunOnASubclassWithItsOwnName() throws IOException {
        ClassRegistry both = ClassRegistry.builtins().toBuilder().registerVersioned(A.class, A::new, A.VERSIONS)
                .register(B.class, B::new).build();
        byte[] cpython = HexFormat.of().parseHex(new String(Python.check(String.join("\n", PYTHON_CLASSES,
                "o = m.B()",
                "o.weights = [1, 2]",
                "o.extra = 'hello'",
                "sys.stdout.write(pickle.dumps(o, 2).hex())"), new byte[0])).strip());
        B back = assertInstanceOf(B.class, Pickle.loads(cpython, UnpicklerOptions.builder().registry(both).build()));
        assertEquals(List.of(1L, 2L), back.weights);
        assertEquals("hello", back.extra);
        // A itself still migrates: its version 1 state (no __version__) named the weights W
        byte[] oldA = HexFormat.of().parseHex(new String(Python.check(String.join("\n", PYTHON_CLASSES,
                "o = m.A()",
                "o.W = [3]",
                "sys.stdout.write(pickle.dumps(o, 2).hex())"), new byte[0])).strip());
        A a = assertInstanceOf(A.class, Pickle.loads(oldA, UnpicklerOptions.builder().registry(both).build()));
        assertEquals(List.of(3L), a.weights);
    }

    static final class X1 extends dev.brine.testing.StateHolder {
    }

    static final class X2 extends dev.brine.testing.StateHolder {
    }

    @PythonName(module = "numpy", name = "dtype")
    static final class FakeDType extends dev.brine.testing.StateHolder {
    }

    @Test
    void aNameReadsAsOneClass() throws IOException {
        ClassRegistry.Builder b = ClassRegistry.builtins().toBuilder().register("brine_rr", "X", X1.class, X1::new);
        IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
                () -> b.register("brine_rr", "X", X2.class, X2::new));
        assertTrue(two.getMessage().contains(X1.class.getName()) && two.getMessage().contains("remove(\"brine_rr\", \"X\")"),
                two.getMessage());
        b.register("brine_rr", "X", X1.class, X1::new); // the same class again: harmless
        b.register("brine_rr", "OldX", X1.class, X1::new); // and under a second name: read by both
        IllegalArgumentException library = assertThrows(IllegalArgumentException.class,
                () -> NumpyPickles.standardRegistry().toBuilder().register(FakeDType.class, FakeDType::new));
        assertTrue(library.getMessage().contains("numpy.dtype"), library.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ClassRegistry.builtins().toBuilder().register("builtins", "set", X1.class, X1::new));
        // nor under a Python 2 spelling, which CPython maps before it looks anything up (protocols 0-2): it would have
        // taken every protocol 0-2 set (and copy_reg._reconstructor every protocol 0-1 object) over
        IllegalArgumentException py2 = assertThrows(IllegalArgumentException.class,
                () -> ClassRegistry.builtins().toBuilder().register("__builtin__", "set", X1.class, X1::new));
        assertTrue(py2.getMessage().contains("Python 2 name") && py2.getMessage().contains("builtins.set"),
                py2.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> ClassRegistry.builtins().toBuilder().register("copy_reg", "_reconstructor", X1.class, X1::new));
        assertThrows(IllegalArgumentException.class,
                () -> ClassRegistry.builtins().toBuilder().register("UserDict", "UserDict", X1.class, X1::new));
        PyCallable queue = new PyCallable() { // the low-level way too: such a name would never be found
            @Override
            public Global global() {
                return new Global("Queue", "Queue");
            }

            @Override
            public Object call(dev.brine.py.Tuple args) {
                return null;
            }
        };
        assertThrows(IllegalArgumentException.class, () -> ClassRegistry.builtins().toBuilder().registerCallable(queue));
        byte[] set = HexFormat.of().parseHex(new String(Python.check(String.join("\n",
                "import pickle, sys", "sys.stdout.write(pickle.dumps({1, 2}, 2).hex())"), new byte[0])).strip());
        assertEquals(java.util.Set.of(1L, 2L), Pickle.loads(set));
        // a refused registration leaves numpy's name working: CPython's array loads
        byte[] array = HexFormat.of().parseHex(new String(Python.check(String.join("\n",
                "import pickle, sys, numpy",
                "sys.stdout.write(pickle.dumps(numpy.array([1.5]), 2).hex())"), new byte[0])).strip());
        assertInstanceOf(NDArray.class, Pickle.loads(array, UnpicklerOptions.builder()
                .registry(NumpyPickles.standardRegistry()).build()));
        // remove(): a deliberate replacement
        ClassRegistry replaced = ClassRegistry.builtins().toBuilder().register("brine_rr", "X", X1.class, X1::new)
                .remove("brine_rr", "X").register("brine_rr", "X", X2.class, X2::new).build();
        X2 x2 = new X2();
        x2.setState("s");
        assertInstanceOf(X2.class, Pickle.loads(Pickle.dumps(x2, PicklerOptions.builder().registry(replaced).build()),
                UnpicklerOptions.builder().registry(replaced).build()));
        assertEquals(null, replaced.writerFor(X1.class));
    }

    /** Removing a versioned class's written name leaves its migrations to the names that still read it. */
    @Test
    void removingAVersionedClassesNameKeepsItsMigrationsForItsOtherNames() throws IOException {
        dev.brine.py.GenericObject old = dev.brine.py.GenericObject.newObject(new Global("brine_rr_old", "A"),
                dev.brine.py.Tuple.empty());
        Map<String, Object> v1 = new LinkedHashMap<>();
        v1.put("W", 1L); // version 1's state: no __version__, weights called W
        old.setState(v1);
        byte[] file = Pickle.dumps(old, 2);
        ClassRegistry removed = ClassRegistry.builtins().toBuilder().registerVersioned(A.class, A::new, A.VERSIONS)
                .register("brine_rr_old", "A", A.class, A::new).remove("brine_rr", "A").build();
        assertEquals(1L, ((A) Pickle.loads(file, UnpicklerOptions.builder().registry(removed).build())).weights);
        assertEquals(A.VERSIONS, removed.versionsOf(A.class));
        // with its last name gone, so are its migrations
        assertEquals(null, removed.toBuilder().remove("brine_rr_old", "A").build().versionsOf(A.class));
    }

    interface Point {
        double x();

        double y();
    }

    interface Labelled {
        String label();
    }

    interface Point3 extends Point {
        double z();
    }

    record Dense(double x, double y) implements Point {
    }

    record Deep(double x, double y, double z) implements Point3 {
    }

    record Both(double x, double y, String label) implements Point, Labelled {
    }

    @Test
    void aWriterForAnInterfaceAppliesToItsClassesAndCompetingOnesAreRefused() throws IOException {
        ClassRegistry registry = ClassRegistry.builtins().toBuilder()
                .registerWriter(Point.class, p -> Reduction.call(new Global("builtins", "complex"), p.x(), p.y()))
                .registerWriter(Point3.class, p -> Reduction.call(new Global("builtins", "tuple"),
                        List.of(p.x(), p.y(), p.z())))
                .registerWriter(Labelled.class, l -> Reduction.call(new Global("builtins", "str"), l.label()))
                .build();
        PicklerOptions options = PicklerOptions.builder().registry(registry).protocol(2).build();
        Path dense = write(Pickle.dumps(new Dense(1, 2), options));
        Path deep = write(Pickle.dumps(new Deep(1, 2, 3), options)); // Point3 is nearer than Point
        String loaded = Python.checkText(String.join("\n",
                "import pickle, sys",
                "for f in sys.argv[1:]: print(repr(pickle.load(open(f, 'rb'))))"), dense, deep);
        assertEquals("(1+2j)\n(1.0, 2.0, 3.0)", loaded.strip());
        PicklingException both = assertThrows(PicklingException.class,
                () -> Pickle.dumps(new Both(1, 2, "b"), options));
        assertTrue(both.getMessage().contains(Point.class.getName()) && both.getMessage().contains(Labelled.class.getName())
                && both.getMessage().contains("register a writer for " + Both.class.getName()), both.getMessage());
    }

    @PythonName(module = "brine_rr", name = "Zero")
    @StateVersion(0)
    static final class Zero extends dev.brine.testing.StateHolder {
    }

    @Test
    void aStateVersionBelowOneIsBlamedOnTheAnnotation() {
        PicklingException e = assertThrows(PicklingException.class, () -> Pickle.dumps(new Zero(), 2));
        assertTrue(e.getMessage().contains("@StateVersion(0)") && !e.getMessage().contains("getState()"), e.getMessage());
    }

    private static Path write(byte[] data) throws IOException {
        Path f = Files.createTempFile("brine-rr", ".pkl");
        f.toFile().deleteOnExit();
        return Files.write(f, data);
    }
}
