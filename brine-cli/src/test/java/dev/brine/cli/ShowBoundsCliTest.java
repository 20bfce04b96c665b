package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code show}'s bounds do, against Python's reprlib (the bounds it follows), numpy and json: any
 * {@code --depth} on any nesting (a 100 KB pickle of 50,000 nested lists overflowed the stack from about 2,500),
 * {@code --items=0} (reprlib's {@code {...}}; arrays show no value in text and JSON alike), negative bounds refused
 * as usage errors, JSON keys that stay apart, and exact integer stats.
 */
class ShowBoundsCliTest {
    @TempDir
    Path tmp;

    private Path python(String name, String script) throws Exception {
        Path f = tmp.resolve(name);
        Python.checkText("import sys, pickle, numpy as np\nout = open(sys.argv[1], 'wb')\n" + script, f);
        return f;
    }

    /** Runs {@code script} with {@code sys.argv[1]} the text {@code show} printed, returning what it prints. */
    private String oracle(String script, String shown) throws Exception {
        Path f = Files.writeString(tmp.resolve("shown.txt"), shown, StandardCharsets.UTF_8);
        return Python.checkText("import sys, json, reprlib, pickle, numpy as np\nsys.setrecursionlimit(300000)\n"
                + "shown = open(sys.argv[1], encoding='utf-8').read()\n" + script, f);
    }

    @Test
    void anyDepthOnDeepNestingPrintsAsReprlibWithoutOverflowing() throws Exception {
        Python.require("numpy");
        // 50,000 empty lists, each appended to the one below: nested lists, as the hunt's file
        Path deep = python("deep.pkl", "n = 50000\nout.write(b'\\x80\\x02' + b']' * n + b'a' * (n - 1) + b'.')\n");
        for (String depth : new String[] {"20000", "60000"}) {
            CliTest.Run text = CliTest.run("show", "--depth=" + depth, deep.toString());
            assertEquals(0, text.status(), text.err());
            String expected = oracle("r = reprlib.Repr(); r.maxlevel = " + depth + "\n"
                    + "print(r.repr(pickle.load(open(" + pyStr(deep) + ", 'rb'))))", "");
            assertEquals(expected, text.out());

            CliTest.Run json = CliTest.run("show", "--json", "--depth=" + depth, deep.toString());
            assertEquals(0, json.status(), json.err());
            // json's own reader: nested lists down to --depth, then the elision "..."
            assertEquals(("20000".equals(depth) ? "20000 '...'" : "50000 []") + "\n", oracle(
                    "d = json.loads(shown)\nn = 0\nwhile isinstance(d, list) and d:\n    d = d[0]\n    n += 1\n"
                            + "print(n + (1 if d == [] else 0), repr(d))", json.out()));
        }
    }

    /**
     * A call on a callee the pickle built (cloudpickle's enum member: its class made by _make_skeleton_enum, then
     * called with the member's value) shows its callee, as --json names it, where it showed "<callable>(1)" at any
     * --depth; at the depth limit, by the global that made it.
     */
    @Test
    void aCallOnABuiltCalleeShowsTheCallee() throws Exception {
        Python.require("cloudpickle");
        Path f = tmp.resolve("enum.pkl");
        // CPython: the member's class is built by _make_skeleton_enum(...), then called with 1
        String made = Python.checkText(String.join("\n",
                "import sys, enum, pickle, pickletools, cloudpickle",
                "E = enum.Enum('E', 'A B')",
                "b = cloudpickle.dumps(E.A, protocol=5)",
                "open(sys.argv[1], 'wb').write(b)",
                "ops = [op.name for op, arg, pos in pickletools.genops(b) if op.name != 'MEMOIZE']",
                "print(pickle.loads(b).value, ops[-4:])",
                // where the class's state setter lives depends on cloudpickle's version (cloudpickle_fast in 2.x)
                "import importlib",
                "for m in ('cloudpickle.cloudpickle', 'cloudpickle.cloudpickle_fast'):",
                "    f = getattr(importlib.import_module(m), '_class_setstate', None)",
                "    if f is not None: print(f.__module__ + '.' + f.__qualname__); break"), f);
        String[] lines = made.split("\n");
        assertEquals("1 ['BININT1', 'TUPLE1', 'REDUCE', 'STOP']", lines[0]);
        String setter = lines[1];
        CliTest.Run deep = CliTest.run("show", "--depth", "50", f.toString());
        assertEquals(0, deep.status(), deep.err());
        assertTrue(deep.out().startsWith("(cloudpickle.cloudpickle._make_skeleton_enum((enum.Enum,), 'E', 'E', {'A': 1,"
                + " 'B': 2}, '__main__', '"), deep.out());
        assertTrue(deep.out().endsWith(" set by " + setter + ")(1)\n"), deep.out());
        assertEquals("<cloudpickle.cloudpickle._make_skeleton_enum object ...>(1)\n",
                CliTest.run("show", "--depth", "1", f.toString()).out());
        assertEquals("<cloudpickle.cloudpickle._make_skeleton_enum(...) object ...>\n",
                CliTest.run("show", "--depth", "0", f.toString()).out());
        // --json: the built callee is a nested value, bounded by --depth (it was its whole text at any depth)
        CliTest.Run json = CliTest.run("show", "--json", "--depth", "50", f.toString());
        assertEquals(0, json.status(), json.err());
        Path jf = Files.writeString(tmp.resolve("enum.json"), json.out());
        CliTest.Run shallow = CliTest.run("show", "--json", "--depth", "1", f.toString());
        Path sf = Files.writeString(tmp.resolve("enum1.json"), shallow.out());
        assertEquals("cloudpickle.cloudpickle._make_skeleton_enum [1] {'__object__': '...', 'args': '...'}",
                Python.checkText("import json, sys\n"
                        + "deep, shallow = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))\n"
                        + "print(deep['__object__']['__object__'], deep['args'], shallow)", jf, sf).strip());
    }

    @Test
    void negativeBoundsAreUsageErrors() throws Exception {
        Python.require("numpy");
        Path f = python("n.pkl", "pickle.dump({'a': 'text'}, out)\n");
        for (String option : new String[] {"--width=-1", "--items=-1", "--depth=-1"}) {
            CliTest.Run run = CliTest.run("show", option, f.toString());
            assertEquals(2, run.status(), option + ": " + run.err());
            assertTrue(run.err().startsWith("Invalid value for option '" + option.substring(0, option.indexOf('='))
                    + "': -1 is below 0"), run.err());
        }
        CliTest.Run zero = CliTest.run("show", "--width=0", f.toString());
        assertEquals(0, zero.status(), zero.err());
        assertEquals("{''...: ''...}\n", zero.out()); // as long strings are cut: none of them, then "..."
    }

    @Test
    void noItemsShowsContainersAsReprlibAndArraysAlikeInTextAndJson() throws Exception {
        Python.require("numpy");
        // reprlib sorts dict keys and set items: these are sorted already
        String value = "{'a': [1, 2], 'b': (3,), 'c': {4, 5}, 'd': frozenset({6}), 'e': [], 'f': ((), [[7]])}";
        Path f = python("v.pkl", "pickle.dump(" + value + ", out)\n");
        for (int items : new int[] {0, 1, 2}) {
            CliTest.Run run = CliTest.run("show", "--items=" + items, f.toString());
            assertEquals(0, run.status(), run.err());
            assertEquals(oracle("r = reprlib.Repr()\nr.maxlevel = 8\nr.maxstring = r.maxother = 10 ** 6\n"
                    + "r.maxlist = r.maxtuple = r.maxdict = r.maxset = r.maxfrozenset = " + items + "\n"
                    + "print(r.repr(" + value + "))", ""), run.out(), "--items=" + items);
            CliTest.Run json = CliTest.run("show", "--json", "--items=" + items, f.toString());
            assertEquals(0, json.status(), json.err());
            oracle("json.loads(shown)", json.out()); // valid JSON with no item too (it was {, "...": ...})
        }

        Path npy = tmp.resolve("a.npy");
        Python.checkText("import sys, numpy as np\nnp.save(sys.argv[1], np.arange(10, 13))", npy);
        for (int items : new int[] {0, 2, 20}) {
            CliTest.Run text = CliTest.run("show", "--items=" + items, npy.toString());
            CliTest.Run json = CliTest.run("show", "--json", "--items=" + items, npy.toString());
            assertEquals(0, text.status(), text.err());
            assertEquals(0, json.status(), json.err());
            // the values numpy holds, as many as asked for: none, two, all three
            String values = oracle("a = np.load(" + pyStr(npy) + ")[:" + items + "].tolist()\n"
                    + "j = json.loads(shown)['__ndarray__']\nassert j['values'] == a, (j, a)\n"
                    + "print(', '.join(map(str, a)) + (', ...' if a and len(a) < 3 else '...' if not a else ''))",
                    json.out()).strip();
            assertEquals("array(int64, shape=(3,)) [" + values + "]\n", text.out(), "--items=" + items);
        }
    }

    @Test
    void jsonKeysStayApartSoNoValueIsLost() throws Exception {
        Python.require("numpy");
        String value = "{1: 'int', '1': 'str', None: 'none', 'None': 'str none', (1, 2): 'tuple', 'k': 'plain',"
                + " b'k': 'bytes', \"b'k'\": 'str bytes', 'x' * 100: 'long', 'x' * 101: 'longer'}";
        Path f = python("keys.pkl", "pickle.dump(" + value + ", out)\n");
        CliTest.Run json = CliTest.run("show", "--json", f.toString());
        assertEquals(0, json.status(), json.err());
        // every value kept, under the keys the README's rule gives: a str key as itself unless that text is another
        // key's repr, then as its own repr; other keys by their repr
        String result = oracle("d = " + value + "\n"
                + "pairs = json.loads(shown, object_pairs_hook=lambda p: p)\n"
                + "keys = [k for k, _ in pairs]\n"
                + "assert len(set(keys)) == len(keys), keys\n"
                + "assert [v for _, v in pairs] == list(d.values()), pairs\n"
                + "reprs = {repr(k) for k in d if not isinstance(k, str)}\n"
                + "want = [repr(k) if not isinstance(k, str) or k in reprs else k for k in d]\n"
                + "print([k for k, w in zip(keys, want) if k != w])", json.out());
        // the two 100+-character str keys are themselves; nothing else needed more than the rule
        assertEquals("[]\n", result);
    }

    @Test
    void statsOfIntegerArraysAreExact() throws Exception {
        Python.require("numpy");
        for (String dtype : new String[] {"int64", "uint64", "int8"}) {
            Path npy = tmp.resolve(dtype + ".npy");
            String values = dtype.equals("int64") ? "[2**63 - 1, 2**63 - 2]" : dtype.equals("uint64") ? "[2**63, 2**64 - 1, 2**64 - 2]"
                    : "[-128, 5, 127]";
            Python.checkText("import sys, numpy as np\nnp.save(sys.argv[1], np.array(" + values + ", dtype='" + dtype + "'))", npy);
            CliTest.Run text = CliTest.run("show", "--stats", npy.toString());
            CliTest.Run json = CliTest.run("show", "--json", "--stats", npy.toString());
            assertEquals(0, text.status(), text.err());
            assertEquals(0, json.status(), json.err());
            String minMax = oracle("a = np.load(" + pyStr(npy) + ")\ns = json.loads(shown)['__ndarray__']['stats']\n"
                    + "assert (s['min'], s['max']) == (int(a.min()), int(a.max())), s\n"
                    + "print('{min=%d, max=%d,' % (a.min(), a.max()))", json.out()).strip();
            assertTrue(text.out().contains(minMax), text.out() + " lacks " + minMax);
        }
    }

    private static String pyStr(Path p) {
        return "'" + p.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
