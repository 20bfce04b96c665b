package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pickled references to functions ({@code pickle.dumps([len, os.path.join])}) showed as classes
 * ({@code <class 'len'>}, {@code <class 'posixpath.join'>}), and the warning said pickle.load "would import and run"
 * them, where it only looks them up. Oracle: CPython run live: the repr of builtins, {@code __module__.__qualname__}
 * of other names, and which names an Unpickler whose {@code find_class} hands out recording stand-ins actually calls.
 */
class FunctionReferencesCliTest {
    @TempDir
    Path tmp;

    /** Writes refs.pkl and mixed.pkl; prints, per file, the names loading calls and those it only looks up. */
    private static final String WRITE = String.join("\n",
            "import pickle, os, sys, io",
            "os.chdir(sys.argv[1])",
            "class R:",
            "    def __reduce__(self): return (os.system, ('true',))",
            "pickle.dump([len, os.path.join, int], open('refs.pkl', 'wb'), 4)",
            "pickle.dump([R(), len, os.path.join], open('mixed.pkl', 'wb'), 4)",
            "print(repr(len), repr(int), os.path.join.__module__ + '.' + os.path.join.__qualname__, sep='|')",
            "class Spy(pickle.Unpickler):", // nothing runs: every name is a stand-in that records being called
            "    def find_class(self, module, name):",
            "        full = module + '.' + name; self.found.add(full)",
            "        def stand_in(*a, **k): self.called.add(full)",
            "        return stand_in",
            "for f in ('refs.pkl', 'mixed.pkl'):",
            "    u = Spy(open(f, 'rb')); u.found, u.called = set(), set(); u.load()",
            "    print(f, ','.join(sorted(u.called)), ','.join(sorted(u.found - u.called)), sep='|')");

    /** A line of the script's (file|called|looked up), without the names Brine resolves itself (int: data, not named). */
    private static List<String> unresolved(String line) {
        List<String> out = new java.util.ArrayList<>();
        for (String part : line.split("\\|", -1)) {
            out.add(java.util.Arrays.stream(part.split(",")).filter(n -> n.isEmpty() || n.endsWith(".pkl")
                    || Loaded.VIEWING.registry().resolve(n.substring(0, n.lastIndexOf('.')), n.substring(n.lastIndexOf('.') + 1)) == null)
                    .collect(java.util.stream.Collectors.joining(",")));
        }
        return out;
    }

    @Test
    void functionReferencesShowAsWhatTheyAreAndAreNotSaidToRun() throws Exception {
        Python.require();
        List<String> lines = Python.checkText(WRITE, tmp).strip().lines().toList();
        String[] reprs = lines.get(0).split("\\|");
        assertEquals("<built-in function len>", reprs[0]);
        CliTest.Run show = CliTest.run("show", tmp.resolve("refs.pkl").toString());
        assertEquals(0, show.status(), show.err());
        assertEquals("[" + reprs[0] + ", " + reprs[2] + ", " + reprs[1] + "]\n", show.out());

        // refs.pkl: nothing is called, so nothing is said to run
        assertEquals(List.of("refs.pkl", "", "builtins.len,posixpath.join"), unresolved(lines.get(1)));
        assertTrue(show.err().endsWith("refs.pkl: its pickle names builtins.len (at [0]), posixpath.join (at [1]),"
                + " kept inert here; pickle.load would import them (references: looked up, not called)\n"), show.err());
        assertFalse(show.err().contains("run"), show.err());

        // mixed.pkl: the called name is said to run, the references are marked as only looked up
        assertEquals(List.of("mixed.pkl", "posix.system", "builtins.len,posixpath.join"), unresolved(lines.get(2)));
        for (String verb : List.of("show", "verify")) {
            CliTest.Run run = CliTest.run(verb, tmp.resolve("mixed.pkl").toString());
            assertEquals(0, run.status(), run.err());
            assertTrue(run.err().endsWith("mixed.pkl: its pickle names builtins.len (at [1], only looked up), posix.system"
                    + " (at [0]), posixpath.join (at [2], only looked up), kept inert here; pickle.load would import them,"
                    + " and run those not marked only looked up\n"), verb + ": " + run.err());
        }
    }
}
