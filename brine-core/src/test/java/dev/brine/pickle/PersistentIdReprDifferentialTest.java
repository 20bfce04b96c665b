package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.py.PersistentId;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A persistent id's toString, hashCode and equals walked its pid with a fresh repr or by recursion: a pid holding a
 * list that holds the id again (CPython writes and loads it) or 2,000 ids nested overflowed the stack, and 40 ids
 * each sharing the one below twice took exponential time. The id is now written inside the repr's own walk (cycle
 * marks, depth, the output bound), and compared by its pid only when that is a flat value. Oracle: CPython's Pickler
 * with a {@code persistent_id} writes the pickles, and its Unpickler with a {@code persistent_load} whose result
 * prints as {@code persistent_load(pid)} gives the repr Brine must print.
 */
class PersistentIdReprDifferentialTest {
    @TempDir
    Path tmp;

    private static final UnpicklerOptions AS_IDS = UnpicklerOptions.builder().persistentLoader(PersistentId::new).build();

    /** Writes cyclic, chain20, chain2000, shared3 and shared40 into the directory, and prints the first three's repr. */
    static final String WRITE = String.join("\n",
            "import io, pickle, sys",
            "sys.setrecursionlimit(50000)  # the Pickler recurses per nested id",
            "d = sys.argv[1]",
            "class Ref:",
            "    def __init__(self, pid): self.pid = pid",
            "class P(pickle.Pickler):",
            "    def persistent_id(self, o): return o.pid if isinstance(o, Ref) else None",
            "class Shown:",
            "    def __init__(self, pid): self.pid = pid",
            "    def __repr__(self): return 'persistent_load(%r)' % (self.pid,)",
            "class U(pickle.Unpickler):",
            "    def persistent_load(self, pid): return Shown(pid)",
            "def write(name, v):",
            "    b = io.BytesIO(); P(b, protocol=4).dump(v); open(d + '/' + name + '.pkl', 'wb').write(b.getvalue())",
            "def chain(n, shared):",
            "    r = Ref('leaf')",
            "    for i in range(n): r = Ref((r, r) if shared else (r,))",
            "    return r",
            "L = []; L.append(Ref((L,)))",
            "write('cyclic', L[0])",
            "write('chain20', chain(20, False)); write('chain2000', chain(2000, False))",
            "write('shared3', chain(3, True)); write('shared40', chain(40, True))",
            "for name in ['cyclic', 'chain20', 'shared3']:",
            "    print(repr(U(open(d + '/' + name + '.pkl', 'rb')).load()))",
            "for name in ['chain2000', 'shared40']:",
            "    U(open(d + '/' + name + '.pkl', 'rb')).load()",
            "");

    private Object load(String name) throws Exception {
        return Pickle.loads(Files.readAllBytes(tmp.resolve(name + ".pkl")), AS_IDS);
    }

    @Test
    void idsPrintAsPythonsReprInOneBoundedWalk() throws Exception {
        List<String> python = Python.checkText(WRITE, tmp).lines().toList();
        assertEquals("persistent_load(([persistent_load((...))],))", python.get(0)); // Python's tuple repr marks (...)
        String[] small = {"cyclic", "chain20", "shared3"};
        for (int i = 0; i < small.length; i++) {
            Object id = load(small[i]);
            assertEquals(python.get(i), PythonRepr.repr(id), small[i]);
            assertEquals(PythonRepr.brief(id), id.toString(), small[i]);
        }
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Object chain = load("chain2000");
            String text = PythonRepr.repr(chain); // 64 levels, then elided: an id and its pid tuple are a level each
            assertTrue(text.startsWith("persistent_load((persistent_load(("), text);
            assertTrue(text.contains("persistent_load(...)"), text);
            assertTrue(chain.toString().length() <= 303, chain.toString());
            Object shared = load("shared40"); // 2^40 leaves: cut at the output bound
            assertTrue(PythonRepr.repr(shared).length() <= PythonRepr.MAX_OUTPUT + 3);
            assertTrue(new PythonRepr(8, 100, 100).format(shared).length() < 10_000);
        });
    }

    @Test
    void equalityIsByFlatPidsOnlyAndAlwaysEnds() throws Exception {
        Python.checkText(WRITE, tmp);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (String name : new String[] {"cyclic", "chain2000", "shared40"}) {
                Object a = load(name);
                Object b = load(name);
                assertEquals(a, a, name);
                assertNotEquals(a, b, name); // a pid holding ids or lists: the same id only
                assertEquals(a.hashCode(), a.hashCode(), name);
            }
        });
        assertEquals(new PersistentId("ref:x"), new PersistentId("ref:x"));
        assertEquals(new PersistentId("ref:x").hashCode(), new PersistentId("ref:x").hashCode());
        assertEquals(new PersistentId(Tuple.of("db", 7L, new byte[] {1})), new PersistentId(Tuple.of("db", 7L, new byte[] {1})));
        assertEquals(new PersistentId(new byte[] {1, 2}).hashCode(), new PersistentId(new byte[] {1, 2}).hashCode());
        assertNotEquals(new PersistentId("ref:x"), new PersistentId("ref:y"));
        assertNotEquals(new PersistentId(List.of("x")), new PersistentId(List.of("x")));
    }
}
