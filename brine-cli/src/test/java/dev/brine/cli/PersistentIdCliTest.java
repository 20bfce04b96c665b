package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
