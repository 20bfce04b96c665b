package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pickle files with stray bytes after their pickles (a trailing newline, zero padding, pickletester's
 * test_misc_get input {@code b'((Kdtp0\nh\x00l.))'}, garbage after two pickles), which CPython's
 * {@code pickle.load} and {@code python3 -m pickle} read: show prints what repeated pickle.load reads
 * before the stray bytes, and every verb warns once on stderr of the bytes ignored, with their offset and
 * count as Python measures them; verify exits 0; convert writes a file CPython loads as the same objects.
 * A file whose first pickle cannot be read still fails, as pickle.load fails on it.
 */
class TrailingBytesCliTest {
    @TempDir
    Path tmp;

    private static final String WRITE = String.join("\n",
            "import pickle, sys, os",
            "d = sys.argv[1]",
            "files = {",
            "    'newline': pickle.dumps([1, 2], 2) + b'\\n',",
            "    'zeros': pickle.dumps({'w': 1.5}, 4) + b'\\0' * 4,",
            "    'misc_get': b'((Kdtp0\\nh\\x00l.))',",
            "    'two_then_garbage': pickle.dumps('a', 0) + pickle.dumps(('b', 3), 5) + b'garbage\\n',",
            "}",
            "for name, data in files.items():",
            "    open(os.path.join(d, name + '.pkl'), 'wb').write(data)",
            "    f = open(os.path.join(d, name + '.pkl'), 'rb')",
            "    objects = []",
            "    while True:",  // repeated pickle.load up to what it cannot read
            "        at = f.tell()",
            "        try:",
            "            objects.append(pickle.load(f))",
            "        except Exception:",
            "            break",
            "    print(name, at, len(data) - at, '\\t'.join(repr(o) for o in objects), sep='|')");

    private static final String LOAD_ALL = String.join("\n",
            "import pickle, sys",
            "f = open(sys.argv[1], 'rb')",
            "out = []",
            "while f.peek(1):",
            "    out.append(repr(pickle.load(f)))",
            "print('\\t'.join(out))");

    @Test
    void theVerbsReadWhatPythonReadsAndWarnOfTheBytesAfter() throws Exception {
        Python.require();
        List<String> cases = Python.checkText(WRITE, tmp).lines().toList();
        assertEquals(4, cases.size());
        for (String line : cases) {
            String[] c = line.split("\\|", -1);
            Path file = tmp.resolve(c[0] + ".pkl");
            String warning = "brine: warning: " + file + ": ignored " + c[2] + (c[2].equals("1") ? " byte" : " bytes")
                    + " at offset " + c[1] + ", after the last complete pickle: not a pickle (";
            String[] reprs = c[3].split("\t");
            StringBuilder shown = new StringBuilder();
            for (int i = 0; i < reprs.length; i++) {
                if (reprs.length > 1) {
                    shown.append("# object ").append(i + 1).append(" of ").append(reprs.length).append('\n');
                }
                shown.append(reprs[i]).append('\n');
            }
            CliTest.Run show = CliTest.run("show", file.toString());
            assertEquals(0, show.status(), show.err());
            assertEquals(shown.toString(), show.out(), file.toString());
            assertOneWarning(warning, show.err());
            CliTest.Run verify = CliTest.run("verify", file.toString());
            assertEquals(0, verify.status(), verify.err());
            assertTrue(verify.out().startsWith(file + ": ok (pickle, " + reprs.length + " item"), verify.out());
            assertOneWarning(warning, verify.err());
            CliTest.Run ls = CliTest.run("ls", file.toString());
            assertEquals(0, ls.status(), ls.err());
            assertOneWarning(warning, ls.err());
            Path converted = tmp.resolve(c[0] + "-converted.pkl");
            CliTest.Run convert = CliTest.run("convert", file.toString(), converted.toString(), "--protocol", "2");
            assertEquals(0, convert.status(), convert.err());
            assertTrue(convert.err().startsWith(warning), convert.err());
            // several pickles stay several pickles; CPython reads back what it read before the stray bytes
            assertEquals(c[3], Python.checkText(LOAD_ALL, converted).strip(), file.toString());
        }
    }

    private static void assertOneWarning(String warning, String err) {
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith(warning), "expected " + warning + "\n got " + err);
    }

    /**
     * A later pickle that begins with PROTO but is damaged (truncated) is a bad file, as repeated pickle.load fails on
     * it: every verb fails with Python's message, and convert writes nothing.
     */
    @Test
    void aDamagedLaterPickleFailsTheFile() throws Exception {
        Python.require();
        Path file = tmp.resolve("damaged-later.pkl");
        String python = Python.run(String.join("\n", "import pickle, sys",
                "p = pickle.dumps([1, 2], 2) + pickle.dumps({'k': 'v' * 50}, 4)[:-6]",
                "open(sys.argv[1], 'wb').write(p)",
                "f = open(sys.argv[1], 'rb'); pickle.load(f); pickle.load(f)"), new byte[0], file.toString()).stderr;
        assertTrue(python.contains("UnpicklingError: pickle data was truncated"), python);
        for (String verb : new String[] {"show", "verify", "ls"}) {
            CliTest.Run r = CliTest.run(verb, file.toString());
            assertEquals(1, r.status(), verb + ": " + r.err());
            assertTrue(r.err().contains("truncated") && !r.err().contains("warning"), r.err());
        }
        CliTest.Run convert = CliTest.run("convert", file.toString(), tmp.resolve("out.pkl").toString());
        assertEquals(1, convert.status(), convert.err());
        assertTrue(!Files.exists(tmp.resolve("out.pkl")));
    }

    @Test
    void aFileWhoseFirstPickleCannotBeReadStillFails() throws Exception {
        Python.require();
        Path file = tmp.resolve("bad-first.pkl");
        Files.write(file, new byte[] {'\n', 'N', '.'});
        String python = Python.run("import pickle, sys\npickle.load(open(sys.argv[1], 'rb'))", new byte[0],
                file.toString()).stderr;
        assertTrue(python.contains("UnpicklingError: invalid load key, '\\x0a'"), python);
        for (String verb : new String[] {"show", "verify", "ls"}) {
            CliTest.Run r = CliTest.run(verb, file.toString());
            assertEquals(1, r.status(), verb);
            assertTrue(r.err().contains("invalid load key, '\\x0a'") && !r.err().contains("warning"), r.err());
        }
    }
}
