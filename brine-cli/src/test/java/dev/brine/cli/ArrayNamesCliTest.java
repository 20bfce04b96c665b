package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One naming of a pickle's arrays for ls, extract and convert (ArrayNames): a pickled model object's attributes
 * ({@code W}), arrays in nested lists ({@code enc.layers.0}), objects within objects, {@code __slots__}, tied arrays.
 * convert to .npz said "no arrays to write" of an object whose arrays ls listed, and dropped arrays in nested lists.
 * The oracle: Python loads the same pickle (pickle.load, the classes importable) and walks it by the documented rules;
 * numpy.load and safetensors' load_file read the outputs, np.load the extracted files.
 */
class ArrayNamesCliTest {
    /** The classes of the pickles, importable as module netmod where the pickles are made and where they are checked. */
    private static final String CLASSES = "import os, sys, types, pickle, numpy as np\n"
            + "m = types.ModuleType('netmod'); sys.modules['netmod'] = m\n"
            + "class Model:\n"
            + "    def __init__(self): self.W = np.arange(4.0).reshape(2, 2); self.lr = 0.1; self.hist = [1.0, 0.5]\n"
            + "class Layer:\n"
            + "    def __init__(self, k): self.W = np.full((2, k), k, np.float32); self.b = np.arange(k)\n"
            + "class Net:\n"
            + "    def __init__(self):\n"
            + "        self.layers = [Layer(1), Layer(2)]; self.cfg = {'lr': 0.1, 'name': 'n'}; self.emb = np.ones(3)\n"
            + "class Slotted:\n"
            + "    __slots__ = ('W', 'b')\n"
            + "    def __init__(self): self.W = np.eye(2); self.b = np.zeros(2, np.int64)\n"
            + "for c in (Model, Layer, Net, Slotted):\n"
            + "    c.__module__ = 'netmod'; setattr(m, c.__name__, c)\n";

    /** The naming the verbs document, walked over what pickle.load gives. */
    private static final String WALK = "def walk(top):\n"
            + "    out, seen = [], set()\n"
            + "    def j(name, key): return key if not name else name + '.' + key\n"
            + "    def visit(name, v):\n"
            + "        if isinstance(v, np.ndarray):\n"
            + "            out.append((name or 'arr_0', v)); return\n"
            + "        if isinstance(v, (int, float, str, bytes, type(None))):\n"
            + "            return\n"
            + "        if id(v) in seen:\n"
            + "            return\n"
            + "        seen.add(id(v))\n"
            + "        if isinstance(v, dict):\n"
            + "            for k, x in v.items(): visit(j(name, k if isinstance(k, str) else repr(k)), x)\n"
            + "        elif isinstance(v, (list, tuple)):\n"
            + "            for i, x in enumerate(v): visit(j(name, str(i)), x)\n"
            + "        else:\n" // an object: its attributes, as a state_dict names a module's
            + "            attrs = dict(vars(v)) if hasattr(v, '__dict__') else {}\n"
            + "            for s in getattr(type(v), '__slots__', ()):\n"
            + "                attrs[s] = getattr(v, s)\n"
            + "            for k, x in attrs.items(): visit(j(name, k), x)\n"
            + "    if isinstance(top, (list, tuple)):\n"
            + "        for i, x in enumerate(top): visit('arr_%d' % i, x)\n"
            + "    else:\n"
            + "        visit('', top)\n"
            + "    return out\n";

    private static final List<String> FILES = List.of("model.pkl", "net.pkl", "slots.pkl", "nested.pkl", "tied.pkl",
            "list.pkl", "models.pkl");

    @TempDir
    Path tmp;

    private String python(String script, String... args) throws Exception {
        Python.require("numpy", "safetensors");
        String[] all = new String[args.length + 1];
        all[0] = tmp.toString();
        System.arraycopy(args, 0, all, 1, args.length);
        return new String(Python.check(CLASSES + WALK + "os.chdir(sys.argv[1])\n" + script, new byte[0], all),
                java.nio.charset.StandardCharsets.UTF_8).strip();
    }

    @Test
    void lsExtractAndConvertNameEveryArrayOfAPickleAlike() throws Exception {
        python("x = np.array([7, 8])\n"
                + "pickle.dump(Model(), open('model.pkl', 'wb'))\n"
                + "pickle.dump(Net(), open('net.pkl', 'wb'))\n"
                + "pickle.dump(Slotted(), open('slots.pkl', 'wb'), 2)\n"
                + "pickle.dump({'enc': {'w': np.ones(2), 'layers': [np.zeros(1), np.ones(1)]}, 1: np.ones(3),"
                + " 't': (np.arange(2), 'x')}, open('nested.pkl', 'wb'))\n"
                + "pickle.dump({'a': x, 'b': x, 'c': [x], 'n': 3}, open('tied.pkl', 'wb'))\n"
                + "pickle.dump([np.ones(2), [np.zeros(3), 1]], open('list.pkl', 'wb'))\n"
                + "pickle.dump({'model': Model(), 'epoch': 3}, open('models.pkl', 'wb'))\n");
        for (String f : FILES) {
            String stem = f.substring(0, f.length() - 4);
            CliTest.Run ls = CliTest.run("ls", tmp.resolve(f).toString());
            assertEquals(0, ls.status(), f + ": " + ls.err());
            String listed = ls.out().lines().map(l -> l.split("\\s+")[0]).collect(Collectors.joining(" "));
            CliTest.Run extract = CliTest.run("extract", tmp.resolve(f).toString(), "-o", tmp.resolve("ex_" + stem).toString());
            assertEquals(0, extract.status(), f + ": " + extract.err());
            String extracted = extract.out().lines().map(l -> Path.of(l).getFileName().toString())
                    .collect(Collectors.joining(" "));
            for (String ext : List.of(".npz", ".safetensors")) {
                CliTest.Run convert = CliTest.run("convert", tmp.resolve(f).toString(), tmp.resolve(stem + ext).toString());
                assertEquals(0, convert.status(), f + ext + ": " + convert.err());
            }
            assertEquals("ok", python("from safetensors.numpy import load_file\n"
                    + "f, listed, extracted = sys.argv[2], sys.argv[3].split(), sys.argv[4].split()\n"
                    + "stem = f[:-4]\n"
                    + "want = walk(pickle.load(open(f, 'rb')))\n"
                    + "names = [n for n, _ in want]\n"
                    + "assert want and listed == names, (f, listed, names)\n"
                    + "assert extracted == [n + '.npy' for n in names], (f, extracted)\n"
                    + "z = np.load(stem + '.npz')\n"
                    + "assert z.files == names, (f, z.files, names)\n"
                    + "st = load_file(stem + '.safetensors')\n"
                    + "assert sorted(st) == sorted(names), (f, sorted(st))\n"
                    + "for n, a in want:\n"
                    + "    for got in (z[n], st[n], np.load(os.path.join('ex_' + stem, n + '.npy'))):\n"
                    + "        assert got.dtype == a.dtype and np.array_equal(got, a), (f, n)\n"
                    + "print('ok')", f, listed, extracted));
        }
    }

    /** What an output of arrays cannot hold is named, a list of numbers as one value; the arrays are written. */
    @Test
    void convertNamesWhatItLeavesOut() throws Exception {
        python("pickle.dump(Model(), open('model.pkl', 'wb'))\n");
        CliTest.Run convert = CliTest.run("convert", tmp.resolve("model.pkl").toString(), tmp.resolve("m.npz").toString());
        assertEquals(0, convert.status(), convert.err());
        assertTrue(convert.err().endsWith("brine: warning: " + tmp.resolve("model.pkl")
                + ": .npz holds only arrays; not converted: lr, hist\n"), convert.err());
        assertEquals("['W']", python("print(np.load('m.npz').files)"));
    }

    /** Two arrays of one name ('l.0': an item of l, and a key) are refused for outputs keyed by name, nothing written. */
    @Test
    void twoArraysOfOneNameAreRefused() throws Exception {
        python("pickle.dump({'l': [np.ones(1)], 'l.0': np.zeros(1)}, open('clash.pkl', 'wb'))\n");
        for (String out : List.of("c.npz", "c.safetensors")) {
            CliTest.Run convert = CliTest.run("convert", tmp.resolve("clash.pkl").toString(), tmp.resolve(out).toString());
            assertEquals(1, convert.status(), out);
            assertTrue(convert.err().startsWith("brine: " + tmp.resolve("clash.pkl") + ": two arrays would both be named"
                    + " 'l.0'"), convert.err());
            assertFalse(Files.exists(tmp.resolve(out)), out);
        }
        CliTest.Run ls = CliTest.run("ls", tmp.resolve("clash.pkl").toString());
        assertEquals(List.of("l.0", "l.0"), ls.out().lines().map(l -> l.split("\\s+")[0]).toList());
    }

    /**
     * A list shared twice at each of 40 levels (2^40 paths to its array): named under its repeated paths within
     * SharedPaths' bound, then once, and said so; ls ends promptly instead of walking 2^40 paths.
     */
    @Test
    void containersSharedAtEveryLevelAreNamedWithinABoundAndSaidSo() throws Exception {
        python("v = [np.ones(1)]\n"
                + "for _ in range(40): v = [v, v]\n"
                + "pickle.dump(v, open('bomb.pkl', 'wb'), 4)\n");
        CliTest.Run ls = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> CliTest.run("ls", tmp.resolve("bomb.pkl").toString()));
        assertEquals(0, ls.status(), ls.err());
        assertTrue(ls.err().contains("bomb.pkl: " + Loaded.REPEATS_CUT), ls.err());
        long listed = ls.out().lines().count();
        assertTrue(listed > 1000 && listed <= dev.brine.torch.SharedPaths.MAX_REPEATED_ENTRIES, "" + listed);
    }

    /**
     * ls kept a 24-character name column, so a longer name (every block of a pickled pandas frame) pushed its row's
     * dtype, shape and size out of line; the column is now as wide as the longest name (up to 60). The dtype column
     * starts at one offset in every row, and numpy's dtype names are in it.
     */
    @Test
    void lsKeepsItsColumnsInLineForLongNames() throws Exception {
        python("pickle.dump({'a': np.ones(2), 'enc': {'layers': [{'attention_weights_matrix': np.zeros(3, np.float32)}]}},"
                + " open('long.pkl', 'wb'))\n");
        CliTest.Run ls = CliTest.run("ls", tmp.resolve("long.pkl").toString());
        assertEquals(0, ls.status(), ls.err());
        List<String> rows = ls.out().lines().toList();
        assertEquals(2, rows.size(), ls.out());
        int column = rows.get(1).indexOf(" float32") + 1;
        assertTrue(column > "enc.layers.0.attention_weights_matrix".length(), rows.get(1));
        assertEquals("float64", rows.get(0).substring(column, column + 7), ls.out());
        assertEquals("float32", rows.get(1).substring(column, column + 7), ls.out());
    }
}
