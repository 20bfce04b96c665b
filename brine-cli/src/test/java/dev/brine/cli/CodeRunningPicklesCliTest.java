package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pickles, archives and torch checkpoints whose pickle calls {@code os.system} or {@code subprocess.check_output}
 * (made in Python with {@code __reduce__}, never run): verify, show and ls warn, naming each global Brine kept inert
 * and where it is, as they warned only for an .npy object array before ("ok" and nothing else for the pickle and
 * the .pt). Against Python: which globals {@code pickle.load} imports (an Unpickler whose {@code find_class} records
 * them and hands back inert stubs), less those Brine's registry resolves, is exactly what is named; and for torch,
 * {@code torch.load(weights_only=True)} loads exactly the checkpoints Brine says nothing of, and names in its
 * refusal a global Brine names. verify still exits 0: Brine ran nothing, and the file is well formed.
 */
class CodeRunningPicklesCliTest {
    @TempDir
    Path tmp;

    private static final String MAKE = "import os, sys, pickle, subprocess, collections, datetime, decimal, numpy as np\n"
            + "sys.path.insert(0, sys.argv[2])\nimport brine\nos.chdir(sys.argv[1])\n"
            + "class Call:\n"
            + "    def __init__(self, f, *args): self.f, self.args = f, args\n"
            + "    def __reduce__(self): return (self.f, self.args)\n"
            + "evil = {'w': np.ones(2), 'cmd': Call(os.system, 'echo PWNED'), 'ok': collections.OrderedDict(a=1),"
            + " 'when': datetime.date(2020, 1, 1), 'sub': [Call(subprocess.check_output, ['id'])],"
            // numpy pickles a dtype's metadata with the array, and pickle.load rebuilds (runs) what it holds
            + " 'meta': np.zeros(2, np.dtype('f8', metadata={'x': Call(os.popen, 'echo META')}))}\n"
            + "clean = {'w': np.ones(2), 'ok': collections.OrderedDict(a={1, 2}), 'when': datetime.datetime(2020, 1, 1),"
            + " 'b': bytearray(b'x'), 'c': 1j, 'dt': np.dtype('f4'), 's': np.float32(1),"
            // values Brine keeps as inert calls of names it resolves: Python's own objects, nothing to warn of
            + " 'nan': decimal.Decimal('NaN'), 'rec': np.array([(1, {'a': 1})], dtype=[('x', 'i4'), ('o', 'O')])[0],"
            + " 'cls': int}\n"
            + "for p in (0, 2, 5):\n"
            + "    pickle.dump(evil, open('evil%d.pkl' % p, 'wb'), p)\n"
            + "pickle.dump([os.system], open('reference.pkl', 'wb'))\n"
            + "pickle.dump(clean, open('clean.pkl', 'wb'), 4)\n"
            + "with open('stream.pkl', 'wb') as f:\n"
            + "    pickle.dump(clean, f)\n"
            + "    pickle.dump(evil, f)\n"
            + "brine.dump({'W': brine.SharedVariable(np.ones(2), 'W'), 'cmd': Call(os.system, 'echo PWNED')}, 'evil.zip')\n";

    /** What pickle.load would import: find_class is asked for each global, and hands back a stub that runs nothing. */
    private static final String RECORD = "import sys, pickle, _compat_pickle\n"
            + "class Record(pickle._Unpickler):\n" // pickle.py's: it has proto, for Python 2 names as find_class maps them
            + "    def find_class(self, module, name):\n"
            + "        if self.proto < 3 and self.fix_imports:\n"
            + "            if (module, name) in _compat_pickle.NAME_MAPPING:\n"
            + "                module, name = _compat_pickle.NAME_MAPPING[(module, name)]\n"
            + "            elif module in _compat_pickle.IMPORT_MAPPING:\n"
            + "                module = _compat_pickle.IMPORT_MAPPING[module]\n"
            + "        print(module + '\\t' + name)\n"
            + "        class Stub:\n"
            + "            def __new__(cls, *a, **k): return object.__new__(cls)\n"
            + "            def __init__(self, *a, **k): pass\n"
            + "            def __setstate__(self, state): pass\n"
            + "            def __setitem__(self, k, v): pass\n"
            + "            def append(self, v): pass\n"
            + "            def extend(self, v): pass\n"
            + "        return Stub\n"
            + "    def persistent_load(self, pid): return None\n"
            + "f = open(sys.argv[1], 'rb')\n"
            + "try:\n"
            + "    while True:\n"
            + "        Record(f).load()\n"
            + "except EOFError:\n"
            + "    pass\n";

    private static final Pattern NAMED = Pattern.compile("([\\w.]+)(?: \\(at ([^)]*)\\))?(?:, |$)");

    /** The names a warning line gives, with where. */
    private static List<String[]> named(String warning) {
        List<String[]> out = new ArrayList<>();
        Matcher m = NAMED.matcher(warning.substring(warning.indexOf(" names ") + " names ".length(),
                warning.indexOf(", kept inert here")));
        while (m.find()) {
            out.add(new String[] {m.group(1), m.group(2)});
        }
        return out;
    }

    private void make() throws Exception {
        Python.require("numpy");
        Python.check(MAKE, new byte[0], tmp.toString(), Path.of("..", "python").toAbsolutePath().toString());
    }

    @Test
    void everyVerbNamesTheGlobalsPickleLoadWouldRunThatBrineDoesNotResolve() throws Exception {
        make();
        for (String name : new String[] {"evil0.pkl", "evil2.pkl", "evil5.pkl", "reference.pkl", "clean.pkl", "stream.pkl"}) {
            Path f = tmp.resolve(name);
            TreeSet<String> expected = new TreeSet<>();
            for (String line : new String(Python.check(RECORD, new byte[0], f.toString()), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty()) {
                    String[] mn = line.split("\t");
                    if (Loaded.VIEWING.registry().resolve(mn[0], mn[1]) == null) {
                        expected.add(mn[0] + "." + mn[1]);
                    }
                }
            }
            assertEquals(name.startsWith("clean"), expected.isEmpty(), name + ": " + expected);
            CliTest.Run verify = CliTest.run("verify", f.toString());
            assertEquals(0, verify.status(), verify.err());
            assertTrue(verify.out().startsWith(f + ": ok (pickle, "), verify.out());
            for (CliTest.Run run : new CliTest.Run[] {verify, CliTest.run("show", f.toString()), CliTest.run("ls", f.toString())}) {
                assertEquals(0, run.status(), run.err());
                if (expected.isEmpty()) {
                    assertEquals("", run.err(), name);
                    continue;
                }
                String warning = run.err().strip();
                assertEquals(1, warning.lines().count(), warning);
                assertTrue(warning.startsWith("brine: warning: " + f + ": its pickle names "), warning);
                // reference.pkl holds os.system itself, which pickle.load looks up and does not call
                assertTrue(warning.endsWith(name.equals("reference.pkl")
                        ? ", kept inert here; pickle.load would import it (a reference: looked up, not called)"
                        : ", kept inert here; pickle.load would import and run " + (expected.size() == 1 ? "it" : "them")),
                        warning);
                TreeSet<String> names = new TreeSet<>();
                for (String[] n : named(warning)) {
                    names.add(n[0]);
                }
                assertEquals(expected, names, warning);
            }
            if (name.startsWith("evil")) {
                assertTrue(verify.err().contains("posix.system (at ['cmd'])") && verify.err().contains(
                        "subprocess.check_output (at ['sub'][0])") && verify.err().contains(
                        "os.popen (at ['meta'].dtype.metadata['x'])"), verify.err());
            }
            if (name.equals("stream.pkl")) { // the second pickle of two
                assertTrue(verify.err().contains("posix.system (at [1]['cmd'])"), verify.err());
            }
        }
        // an archive's pickle: the same rule, with how Python loads an archive
        Path zip = tmp.resolve("evil.zip");
        for (String verb : new String[] {"verify", "show", "ls"}) {
            CliTest.Run run = CliTest.run(verb, zip.toString());
            assertEquals(0, run.status(), run.err());
            assertEquals("brine: warning: " + zip + ": its pickle names posix.system (at ['cmd']), kept inert here;"
                    + " unpickling its member pkl (brine.load, pkl_utils.load, pickle.load) would import and run it\n", run.err());
        }
    }

    @Test
    void torchCheckpointsAreNamedExactlyWhenTorchsWeightsOnlyLoadRefusesThem() throws Exception {
        Python.require("numpy", "torch");
        Python.check("import os, sys, torch\nos.chdir(sys.argv[1])\n"
                + "class Call:\n"
                + "    def __init__(self, f, *args): self.f, self.args = f, args\n"
                + "    def __reduce__(self): return (self.f, self.args)\n"
                + "torch.manual_seed(0)\nm = torch.nn.Linear(2, 2)\n"
                + "opt = torch.optim.Adam(m.parameters())\nm(torch.ones(1, 2)).sum().backward()\nopt.step()\n"
                + "torch.save({'w': torch.ones(2), 'x': Call(os.system, 'echo PWNED')}, 'evil.pt')\n"
                + "torch.save(m.state_dict(), 'state.pt')\n"
                + "torch.save({'model': m.state_dict(), 'optimizer': opt.state_dict(), 'epoch': 3}, 'train.pt')\n"
                + "torch.save(m, 'module.pt')\n", new byte[0], tmp.toString());
        for (String name : new String[] {"evil.pt", "state.pt", "train.pt", "module.pt"}) {
            Path f = tmp.resolve(name);
            // torch's own safe loader: loads, or names the first global it will not load
            String refused = new String(Python.check("import sys, re, torch\n"
                    + "try:\n    torch.load(sys.argv[1], weights_only=True)\n    print('')\n"
                    + "except Exception as e:\n    print(re.search(r'GLOBAL ([\\w.]+)', str(e)).group(1))\n",
                    new byte[0], f.toString()), StandardCharsets.UTF_8).strip();
            CliTest.Run verify = CliTest.run("verify", f.toString());
            assertEquals(0, verify.status(), verify.err());
            for (CliTest.Run run : new CliTest.Run[] {verify, CliTest.run("show", f.toString()), CliTest.run("ls", f.toString())}) {
                assertEquals(0, run.status(), run.err());
                if (refused.isEmpty()) {
                    assertEquals("", run.err(), name);
                    continue;
                }
                String warning = run.err().strip();
                assertTrue(warning.startsWith("brine: warning: " + f + ": its pickle names ")
                        && warning.contains(", kept inert here; torch.load(..., weights_only=False) would import and run "), warning);
                assertTrue(named(warning).stream().anyMatch(n -> n[0].equals(refused)), refused + " in " + warning);
            }
        }
    }
}
