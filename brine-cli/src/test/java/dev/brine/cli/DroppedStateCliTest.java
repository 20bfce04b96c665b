package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import dev.brine.testing.TorchPythonState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Globals named only in what Brine drops while reading, which no walk of the value read can find: a tensor's
 * Python state ({@code _rebuild_parameter_with_state}'s, {@code _rebuild_from_type_v2}'s attributes and subclass),
 * its backward hooks, a legacy checkpoint's header pickle, a call whose result a plain pickle pops. Every verb that
 * reads the file (ls, show, verify, convert, extract) named none of them ("ok" and nothing else); now each is named,
 * marked as in a part Brine drops. Against Python: exactly the globals the unpickler's find_class is asked for
 * ({@code torch.load(weights_only=False)}'s, {@code pickle.load}'s), less those {@code weights_only=True} allows or
 * Brine resolves; {@code weights_only=True} refuses every such checkpoint and loads the clean ones, of which no
 * verb says anything; and what convert writes from a checkpoint (the tensors, no state) torch's safe loader loads.
 */
class DroppedStateCliTest {
    @TempDir
    Path tmp;

    private static final Pattern NAMED = Pattern.compile("([\\w.]+) (\\(at [^)]*\\)|\\Q" + InertNames.DROPPED + "\\E)");

    /** The names a warning line gives, each with how it is marked ("(at ...)", or dropped). */
    private static Map<String, String> named(String warning) {
        Map<String, String> out = new java.util.TreeMap<>();
        Matcher m = NAMED.matcher(warning.substring(warning.indexOf(" names ") + " names ".length(),
                warning.indexOf(", kept inert here")));
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    /** The verbs that read {@code f}, each run once; convert to {@code converted} and extract into a new folder. */
    private List<CliTest.Run> everyVerb(Path f, Path converted) throws Exception {
        Path folder = Files.createTempDirectory(tmp, "extract");
        return List.of(CliTest.run("ls", f.toString()), CliTest.run("show", f.toString()),
                CliTest.run("verify", f.toString()), CliTest.run("convert", f.toString(), converted.toString()),
                CliTest.run("extract", "-o", folder.toString(), f.toString()));
    }

    @Test
    void torchCheckpointsNameTheGlobalsInTheTensorStateBrineDrops() throws Exception {
        Python.require("torch");
        TorchPythonState.save(tmp);
        Set<String> allowed = Set.copyOf(TorchPythonState.allowedByWeightsOnly());
        List<Path> files = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        for (String name : TorchPythonState.NAMING) {
            files.add(tmp.resolve(name));
        }
        for (String name : TorchPythonState.CLEAN) {
            files.add(tmp.resolve(name));
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            TreeSet<String> expected = new TreeSet<>();
            for (String g : TorchPythonState.findClass(f)) {
                int dot = g.indexOf('.');
                if (!allowed.contains(g) && Loaded.VIEWING.registry().resolve(g.substring(0, dot), g.substring(dot + 1)) == null) {
                    expected.add(g);
                }
            }
            assertEquals(TorchPythonState.CLEAN.contains(name), expected.isEmpty(), name + ": " + expected);
            Path converted = tmp.resolve("converted-" + name);
            outputs.add(converted);
            for (CliTest.Run run : everyVerb(f, converted)) {
                assertEquals(0, run.status(), name + ": " + run.err());
                if (expected.isEmpty()) {
                    assertEquals("", run.err(), name);
                    continue;
                }
                String warning = run.err().strip();
                assertEquals(1, warning.lines().count(), warning);
                assertTrue(warning.startsWith("brine: warning: " + f + ": its pickle names "), warning);
                assertTrue(warning.endsWith(", kept inert here; torch.load(..., weights_only=False) would import and run"
                        + (expected.size() == 1 ? " it" : " them") + " (the parts Brine drops: a tensor's Python attributes,"
                        + " subclass and hooks, a legacy file's header pickles, values the pickle discards)"), warning);
                Map<String, String> names = named(warning);
                assertEquals(expected, names.keySet(), warning);
                // none of them is in what Brine keeps: each is named as dropped, not with a path
                assertEquals(Set.of(InertNames.DROPPED), Set.copyOf(names.values()), warning);
            }
        }
        files.addAll(outputs);
        Map<Path, String> refused = TorchPythonState.weightsOnlyRefusals(files);
        for (Path f : files) {
            String name = f.getFileName().toString();
            // torch's safe loader refuses the files Brine warns of, and loads the clean ones and every conversion
            assertEquals(TorchPythonState.NAMING.contains(name), !refused.get(f).isEmpty(), name + ": " + refused.get(f));
        }
    }

    @Test
    void aPlainPickleNamesACallWhoseResultItPops() throws Exception {
        Python.require();
        Path popped = tmp.resolve("popped.pkl");
        // os.getcwd() called and its result popped, then a list holding os.system itself (which the walk finds)
        Files.write(popped, "cposix\ngetcwd\n(tR0(cposix\nsystem\nl.".getBytes(StandardCharsets.US_ASCII));
        LinkedHashSet<String> asked = new LinkedHashSet<>(new String(Python.check("import sys, pickle\n"
                + "class Record(pickle._Unpickler):\n"
                + "    def find_class(self, module, name):\n"
                + "        print(module + '.' + name)\n"
                + "        return lambda *a: None\n"
                + "Record(open(sys.argv[1], 'rb')).load()\n", new byte[0], popped.toString()),
                StandardCharsets.UTF_8).lines().toList());
        assertEquals(Set.of("posix.getcwd", "posix.system"), asked);
        for (CliTest.Run run : everyVerb(popped, tmp.resolve("popped-converted.pkl"))) {
            assertEquals(0, run.status(), run.err());
            String warning = run.err().strip().lines().filter(l -> !l.contains(": nothing extracted: "))
                    .collect(java.util.stream.Collectors.joining("\n"));
            assertEquals(1, warning.lines().count(), warning);
            // os.system is only referenced (a list holds it), os.getcwd called: said of each
            assertEquals("brine: warning: " + popped + ": its pickle names posix.system (at [0], " + InertNames.REFERENCE
                    + "), posix.getcwd " + InertNames.DROPPED + ", kept inert here; pickle.load would import them, and run"
                    + " those not marked " + InertNames.REFERENCE + " (the parts Brine drops: values the pickle discards)",
                    warning);
            assertEquals(asked, named(warning).keySet());
        }
        // a file of one name met twice, kept once: only where it is kept is said
        Path twice = tmp.resolve("twice.pkl");
        Files.write(twice, "cposix\nsystem\n0(cposix\nsystem\nl.".getBytes(StandardCharsets.US_ASCII));
        CliTest.Run run = CliTest.run("verify", twice.toString());
        assertFalse(run.err().contains(InertNames.DROPPED), run.err());
        assertTrue(run.err().contains("posix.system (at [0]), kept inert here; pickle.load would import it (a reference:"
                + " looked up, not called)\n"), run.err());
    }

    @Test
    void aNestedClassIsNamedWhereItIsAndNotWhatItsNameIsReadThrough() throws Exception {
        Python.require();
        // below protocol 4, getattr(Outer, 'Inner'): the one name read is named where it is, not the Outer and
        // builtins.getattr met on the way (find_class is asked for those two)
        Files.writeString(tmp.resolve("nest.py"), "class Outer:\n    class Inner:\n        pass\n");
        Path nested = tmp.resolve("nested.pkl");
        Python.check("import sys, pickle\nsys.path.insert(0, sys.argv[1])\nimport nest\n"
                + "pickle.dump([nest.Outer.Inner()], open(sys.argv[2], 'wb'), 2)\n", new byte[0], tmp.toString(),
                nested.toString());
        CliTest.Run nestedRun = CliTest.run("verify", nested.toString());
        assertEquals("brine: warning: " + nested + ": its pickle names nest.Outer.Inner (at [0]), kept inert here;"
                + " pickle.load would import and run it\n", nestedRun.err());
    }

    @Test
    void moreNamesThanTheReadingKeepsAreSaidToBeMore() throws Exception {
        Python.require();
        // more distinct names than the reading keeps (InertGlobals.MAX_LISTED), all popped: the first ten met are
        // listed, in the order find_class is asked for them, and the rest said to be more than counted
        Path many = tmp.resolve("many.pkl");
        int n = dev.brine.pickle.InertGlobals.MAX_LISTED + 6;
        List<String> order = new String(Python.check("import sys, pickle\n"
                + "data = b''.join(b'cm%d\\nf\\n)R0' % i for i in range(" + n + ")) + b'N.'\n"
                + "open(sys.argv[1], 'wb').write(data)\n"
                + "class Record(pickle._Unpickler):\n"
                + "    def find_class(self, module, name):\n"
                + "        print(module + '.' + name)\n"
                + "        return lambda *a: None\n"
                + "Record(open(sys.argv[1], 'rb')).load()\n", new byte[0], many.toString()),
                StandardCharsets.UTF_8).lines().toList();
        assertEquals(n, Set.copyOf(order).size());
        StringBuilder first = new StringBuilder();
        for (String name : order.subList(0, 10)) {
            first.append(name).append(' ').append(InertNames.DROPPED).append(", ");
        }
        CliTest.Run manyRun = CliTest.run("verify", many.toString());
        assertEquals("brine: warning: " + many + ": its pickle names " + first + "and over "
                + (dev.brine.pickle.InertGlobals.MAX_LISTED - 10) + " more, kept inert here; pickle.load would import"
                + " and run them (the parts Brine drops: values the pickle discards)\n", manyRun.err());
    }

    @Test
    void aNameInStrayBytesAfterTheLastPickleIsNotNamed() throws Exception {
        // stray bytes, which Brine ignores with a warning, are not a pickle Python reads (pickle.load stops after the
        // first): only they are warned of, though reading them met a name before it failed
        Path stray = tmp.resolve("stray.pkl");
        Files.write(stray, "I1\n.cposix\ngetcwd\n(".getBytes(StandardCharsets.US_ASCII));
        for (CliTest.Run r : everyVerb(stray, tmp.resolve("stray-converted.pkl"))) {
            assertEquals(0, r.status(), r.err());
            // (extract also says that it wrote nothing: the file holds no array)
            assertEquals(1, r.err().strip().lines().filter(l -> !l.contains(": nothing extracted: ")).count(), r.err());
            assertTrue(r.err().startsWith("brine: warning: " + stray + ": ignored 15 bytes at offset 4"), r.err());
        }
    }
}
