package dev.brine.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.mapping.StateVersions;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.pickle.UnpicklingException;
import dev.brine.py.GenericObject;
import dev.brine.py.Tuple;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules of versioned states: how the version is recorded, found, and migrated from. */
class StateVersionsTest {
    private static final StateVersions V3 = Perceptron.VERSIONS;

    private static Map<String, Object> dict(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void aStateWithoutVersionIsVersionOne() throws Exception {
        assertEquals(1, StateVersions.versionOf(Tuple.of(1L, 2L)));
        assertEquals(1, StateVersions.versionOf(dict("W", 1L)));
        assertEquals(1, StateVersions.versionOf(null));
        assertEquals(4, StateVersions.versionOf(dict("__version__", 4L)));
    }

    @Test
    void stampPutsTheCurrentVersionFirstAndLeavesTheStateAlone() throws Exception {
        Map<String, Object> state = dict("weights", 1L, "__version__", 1L, "bias", 2L);
        Map<String, Object> stamped = V3.stamp(state);
        assertEquals(List.of("__version__", "weights", "bias"), List.copyOf(stamped.keySet()));
        assertEquals(3L, stamped.get("__version__"));
        assertEquals(1L, state.get("__version__"));
        assertThrows(BrineException.class, () -> V3.stamp(Tuple.of(1L)));
        assertThrows(BrineException.class, () -> V3.stamp(Map.of(1L, 2L)));
    }

    @Test
    void upgradeRunsTheChainFromTheWrittenVersion() throws Exception {
        Map<String, Object> v3 = dict("weights", "w", "bias", "b", "learning_rate", 0.01, "activation", "tanh");
        assertEquals(v3, V3.upgrade(Tuple.of("w", "b")));
        assertEquals(v3, V3.upgrade(dict("__version__", 2L, "W", "w", "b", "b", "learning_rate", 0.01)));
        // a current state passes through, minus its version key
        assertEquals(v3, V3.upgrade(V3.stamp(v3)));
    }

    @Test
    void newerOlderAndMalformedVersionsAreRefusedClearly() {
        BrineException e = assertThrows(BrineException.class, () -> V3.upgrade(dict("__version__", 4L)));
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
        StateVersions from2 = StateVersions.current(3).migration(2, s -> s);
        e = assertThrows(BrineException.class, () -> from2.upgrade(Tuple.of(1L)));
        assertTrue(e.getMessage().contains("older than version 2"), e.getMessage());
        for (Object bad : new Object[] {"3", 2.0, 0L, -1L, true, null}) {
            assertThrows(BrineException.class, () -> V3.upgrade(dict("__version__", bad)), String.valueOf(bad));
        }
        // named as Python shows it: a byte[]'s Java toString ([B@1b6d3586) changed from run to run
        e = assertThrows(BrineException.class, () -> V3.upgrade(dict("__version__", new byte[] {'2'})));
        assertTrue(e.getMessage().contains("must be an int, not bytes b'2'"), e.getMessage());
        e = assertThrows(BrineException.class,
                () -> new SharedVariable("W", null).setState(dict("name", new byte[] {'W'})));
        assertTrue(e.getMessage().endsWith("name must be a str or None, not bytes b'W'"), e.getMessage());
        // a migration that chokes on odd input is a bad file, reported with the step
        e = assertThrows(BrineException.class, () -> V3.upgrade(dict("__version__", 1L)));
        assertTrue(e.getMessage().contains("from version 1 to 2"), e.getMessage());
    }

    @Test
    void aVersionBeyondAnIntIsNewerAsBrinePySays() throws Exception {
        // 2**40 said "must be at least 1", 2**100 "must be an int, not BigInteger": both are newer than version 3
        dev.brine.testing.Python.require("numpy");
        String[] versions = {"4", "2**31", "2**40", "2**63", "2**100"};
        String py = dev.brine.testing.Python.checkText(PythonScripts.PRELUDE + """
                import base64
                for v in [%s]:
                    try:
                        brine.upgrade({'__version__': v}, 3, {})
                    except ValueError as e:
                        print(base64.b64encode(pickle.dumps(v, 2)).decode(), e)
                """.formatted(String.join(", ", versions)), java.nio.file.Path.of("-"), ArchiveFixtures.pythonDir());
        List<String> lines = py.lines().toList();
        assertEquals(versions.length, lines.size(), py);
        for (String line : lines) {
            Object version = Pickle.loads(java.util.Base64.getDecoder().decode(line.substring(0, line.indexOf(' '))));
            String python = line.substring(line.indexOf(' ') + 1);
            BrineException e = assertThrows(BrineException.class, () -> V3.upgrade(dict("__version__", version)));
            assertEquals(python + ": the file was written by a newer version of the class", e.getMessage());
        }
        // versionOf, which knows no current version, says the same kind of thing
        BrineException e = assertThrows(BrineException.class,
                () -> StateVersions.versionOf(dict("__version__", java.math.BigInteger.TWO.pow(100))));
        assertEquals("state version 1267650600228229401496703205376 is newer than any version a class can have here"
                + " (at most 2147483647): the file was written by something newer", e.getMessage());
        e = assertThrows(BrineException.class, () -> V3.upgrade(dict("__version__", java.math.BigInteger.TWO.pow(100).negate())));
        assertEquals("the state's __version__ must be at least 1, not -1267650600228229401496703205376", e.getMessage());
    }

    @Test
    void aDictStateOfAnyKeysMigratesAsBrinePyDoes() throws Exception {
        // a version 1 state is whatever the class pickled before it counted: int or tuple keys too. brine.py's
        // upgrade hands it to migration 1; Brine refused it ("a versioned state must be a dict with str keys")
        dev.brine.testing.Python.require("numpy");
        String py = dev.brine.testing.Python.checkText(PythonScripts.PRELUDE + """
                import base64
                def b64(v): return base64.b64encode(pickle.dumps(v, 2)).decode()
                step = {1: lambda s: {'n': len(s), 'keys': list(s)}}
                for state, current in [({1: 'a', 2: 'b'}, 2), ({'__version__': 1, 1: 'a', (1, 2): 'b'}, 2),
                                       ({1: 'a', None: 'b'}, 1), ({'__version__': 2, 3: 'c', 'x': 'd'}, 2)]:
                    print(b64(state), current, b64(brine.upgrade(state, current, step if current > 1 else {})))
                """, java.nio.file.Path.of("-"), ArchiveFixtures.pythonDir());
        List<String> lines = py.lines().toList();
        assertEquals(4, lines.size(), py);
        for (String line : lines) {
            String[] f = line.split(" ");
            Object state = Pickle.loads(java.util.Base64.getDecoder().decode(f[0]));
            Object python = Pickle.loads(java.util.Base64.getDecoder().decode(f[2]));
            int current = Integer.parseInt(f[1]);
            StateVersions versions = current == 1 ? StateVersions.current(1) : StateVersions.current(current)
                    .migration(1, s -> {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("n", (long) ((Map<?, ?>) s).size());
                        m.put("keys", new java.util.ArrayList<>(((Map<?, ?>) s).keySet()));
                        return m;
                    });
            assertEquals(python, versions.upgrade(state), line);
        }
    }

    @Test
    void migrationsAreDeclaredOncePerVersionBelowTheCurrent() {
        assertThrows(IllegalArgumentException.class, () -> StateVersions.current(0));
        assertThrows(IllegalArgumentException.class, () -> StateVersions.current(2).migration(2, s -> s));
        assertThrows(IllegalArgumentException.class, () -> StateVersions.current(2).migration(0, s -> s));
        assertThrows(IllegalArgumentException.class,
                () -> StateVersions.current(3).migration(1, s -> s).migration(1, s -> s));
        assertEquals(1, V3.oldest());
        assertEquals(3, StateVersions.current(3).oldest());
    }

    @Test
    void aRegisteredVersionedClassIsStampedOnWriteAndMigratedOnRead() throws Exception {
        Perceptron p = new Perceptron(new SharedVariable("W", GoldenArchiveGenerator.w()),
                new SharedVariable("b", GoldenArchiveGenerator.b()), 0.5, "relu");
        byte[] bytes = Pickle.dumps(p, PicklerOptions.builder().registry(Perceptron.registry()).build());
        // the file holds a plain dict state with the version in it
        UnpicklerOptions generic = UnpicklerOptions.builder().genericObjects(true).build();
        GenericObject g = assertInstanceOf(GenericObject.class, Pickle.loads(bytes, generic));
        assertEquals(3L, ((Map<?, ?>) g.state()).get("__version__"));
        // and reads back with the registry
        UnpicklerOptions withClass = UnpicklerOptions.builder().registry(Perceptron.registry()).build();
        assertEquals(p, Pickle.loads(bytes, withClass));
        // a file from the future is refused, naming the class
        byte[] future = Pickle.dumps(new GenericObjectLike(dict("__version__", 9L)),
                PicklerOptions.builder().registry(GenericObjectLike.registry()).build());
        UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(future, withClass));
        assertTrue(e.getMessage().contains("examples.perceptron.Perceptron") && e.getMessage().contains("newer"),
                e.getMessage());
    }

    /** Writes any state under Perceptron's Python name, to forge files of other versions. */
    private static final class GenericObjectLike implements dev.brine.mapping.PickleState {
        private final Object state;

        GenericObjectLike(Object state) {
            this.state = state;
        }

        static dev.brine.mapping.ClassRegistry registry() {
            return dev.brine.numpy.NumpyPickles.standardRegistry().toBuilder()
                    .register("examples.perceptron", "Perceptron", GenericObjectLike.class, () -> new GenericObjectLike(null))
                    .build();
        }

        @Override
        public Object getState() {
            return state;
        }

        @Override
        public void setState(Object s) {
        }
    }
}
