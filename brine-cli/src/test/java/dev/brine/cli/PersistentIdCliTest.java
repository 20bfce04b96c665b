package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pickle with persistent ids (a Pickler's {@code persistent_id}: ZODB-style references, a custom store) was refused
 * by every verb ("no persistent loader was given", which a command-line user cannot give). The verbs now read each
 * id as itself: show prints {@code persistent_load('ref:x')}, --json {@code {"__persistent_id__": "ref:x"}}, verify
 * exits 0, convert writes the ids back. Oracle: CPython wrote the pickle, its json module reads the --json output,
 * and convert's output is CPython's pickle byte for byte.
 */
class PersistentIdCliTest {
    @TempDir
    Path tmp;

    @Test
    void persistentIdsAreShownAndConvertedAsThemselves() throws Exception {
        Python.require();
        Path pkl = tmp.resolve("refs.pkl");
        String repr = new String(Python.check(String.join("\n",
                "import io, pickle, sys",
                "class P(pickle.Pickler):",
                "    def persistent_id(self, o):",
                "        return 'ref:' + o[1:] if isinstance(o, str) and o.startswith('@') else None",
                "b = io.BytesIO(); P(b, protocol=4).dump({'a': '@x', 'b': [1, '@y'], 'c': ('k', 2)})",
                "open(sys.argv[1], 'wb').write(b.getvalue())",
                "class U(pickle.Unpickler):",
                "    def persistent_load(self, pid): return Shown(pid)",
                "class Shown:",
                "    def __init__(self, pid): self.pid = pid",
                "    def __repr__(self): return 'persistent_load(%r)' % self.pid",
                "print(U(open(sys.argv[1], 'rb')).load())", ""), new byte[0], pkl.toString()), StandardCharsets.UTF_8);
        CliTest.Run show = CliTest.run("show", pkl.toString());
        assertEquals(0, show.status(), show.err());
        assertEquals(repr, show.out());
        CliTest.Run json = CliTest.run("show", "--json", pkl.toString());
        assertEquals(0, json.status(), json.err());
        Path jsonFile = Files.writeString(tmp.resolve("refs.json"), json.out());
        assertEquals("{'a': {'__persistent_id__': 'ref:x'}, 'b': [1, {'__persistent_id__': 'ref:y'}], 'c': ['k', 2]}",
                Python.checkText("import json, sys\nprint(json.load(open(sys.argv[1])))", jsonFile).strip());
        // verify: ok (Brine read it), with a warning, as pickle.load refuses the file
        CliTest.Run verify = CliTest.run("verify", pkl.toString());
        assertEquals(0, verify.status(), verify.err());
        assertEquals(pkl + ": ok (pickle, 1 item)\n", verify.out());
        assertEquals("brine: warning: " + pkl + ": its pickle holds 2 persistent ids (shown as persistent_load(...));"
                + " pickle.load refuses it: Python reads it only with an Unpickler whose persistent_load resolves them\n",
                verify.err());
        assertEquals("UnpicklingError: A load persistent id instruction was encountered, but no persistent_load function"
                + " was specified.", Python.checkText(String.join("\n", "import pickle, sys",
                        "try:", "    pickle.load(open(sys.argv[1], 'rb'))",
                        "except pickle.UnpicklingError as e:", "    print('UnpicklingError:', ' '.join(str(e).split()))"),
                        pkl).strip());
        Path out = tmp.resolve("out.pkl");
        CliTest.Run convert = CliTest.run("convert", "--protocol", "4", pkl.toString(), out.toString());
        assertEquals(0, convert.status(), convert.err());
        assertArrayEquals(Files.readAllBytes(pkl), Files.readAllBytes(out));
    }

    /**
     * show overflowed the stack ("internal error") on a pid holding a list that holds the id again and on 2,000 nested
     * ids, did not honour --depth inside ids, and ran for minutes on 40 ids sharing their pids. Oracle: CPython writes
     * the pickles and prints the cyclic one through a persistent_load whose result prints as persistent_load(pid).
     */
    @Test
    void nestedCyclicAndSharedIdsShowBounded() throws Exception {
        String python = Python.checkText(String.join("\n",
                "import io, pickle, sys",
                "sys.setrecursionlimit(50000)",
                "class Ref:",
                "    def __init__(self, pid): self.pid = pid",
                "class P(pickle.Pickler):",
                "    def persistent_id(self, o): return o.pid if isinstance(o, Ref) else None",
                "def write(name, v):",
                "    b = io.BytesIO(); P(b, protocol=4).dump(v); open(sys.argv[1] + '/' + name, 'wb').write(b.getvalue())",
                "def chain(n, shared):",
                "    r = Ref('leaf')",
                "    for i in range(n): r = Ref((r, r) if shared else (r,))",
                "    return r",
                "L = []; L.append(Ref((L,)))",
                "write('cyclic.pkl', [L[0], 'x']); write('chain.pkl', chain(2000, False)); write('shared.pkl', chain(40, True))",
                "class Shown:",
                "    def __init__(self, pid): self.pid = pid",
                "    def __repr__(self): return 'persistent_load(%r)' % (self.pid,)",
                "class U(pickle.Unpickler):",
                "    def persistent_load(self, pid): return Shown(pid)",
                "print(U(open(sys.argv[1] + '/cyclic.pkl', 'rb')).load())"), tmp);
        CliTest.Run cyclic = CliTest.run("show", tmp.resolve("cyclic.pkl").toString());
        assertEquals(0, cyclic.status(), cyclic.err());
        assertEquals(python, cyclic.out());
        assertEquals("[persistent_load(...), 'x']\n", CliTest.run("show", "--depth=1", tmp.resolve("cyclic.pkl").toString()).out());
        CliTest.Run chain = CliTest.run("show", "--depth=3", tmp.resolve("chain.pkl").toString());
        assertEquals(0, chain.status(), chain.err());
        assertEquals("persistent_load((persistent_load((...)),))\n", chain.out()); // an id and its pid tuple: a level each
        CliTest.Run deep = CliTest.run("show", tmp.resolve("chain.pkl").toString());
        assertEquals(0, deep.status(), deep.err());
        CliTest.Run shared = assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> CliTest.run("show", tmp.resolve("shared.pkl").toString()));
        assertEquals(0, shared.status(), shared.err());
        assertTrue(shared.out().startsWith("persistent_load((persistent_load((persistent_load(("), shared.out());
    }
}
