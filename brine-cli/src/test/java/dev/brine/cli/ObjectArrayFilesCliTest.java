package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verbs on .npz and .npy files that hold object arrays, written by live numpy (its
 * {@code write_array} pickles such an array as the member's data): ls, verify, show and extract
 * against what {@code np.load(..., allow_pickle=True)} says of the same files, and a file whose
 * pickle names {@code os.system}, which every verb keeps inert.
 */
class ObjectArrayFilesCliTest {
    /** The defect's file, and one member of each kind that holds objects. */
    static final String MEMBERS = "a=np.arange(3), o=np.array([1, 'x', None], dtype=object),"
            + " m=np.array([[1, 'x'], [None, 2.5]], dtype=object).T,"
            + " r=np.array([(1, 'x'), (2, None)], dtype=[('a', '<i4'), ('o', 'O')]), n=np.array(None, dtype=object)";

    @TempDir
    Path tmp;

    private String numpy(String script) throws Exception {
        Python.require("numpy");
        return new String(Python.check("import numpy as np, os, io, pickle\nos.chdir(" + pyStr(tmp.toString()) + ")\n"
                + script, new byte[0]), StandardCharsets.UTF_8);
    }

    private static String pyStr(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** ls lists every member as numpy's keys, with numpy's dtype name, shape and nbytes; object ones say they are pickled. */
    @Test
    void lsListsObjectMembersAsNumpyDoes() throws Exception {
        for (String save : List.of("savez", "savez_compressed")) {
            String expected = numpy("np." + save + "('t.npz', " + MEMBERS + ")\n"
                    + "f = np.load('t.npz', allow_pickle=True)\n"
                    + "for k in f.files:\n"
                    + "    print(k, f[k].dtype.name, f[k].shape, f[k].nbytes, f[k].dtype.hasobject, sep='|')\n");
            CliTest.Run ls = CliTest.run("ls", tmp.resolve("t.npz").toString());
            assertEquals(0, ls.status(), ls.err());
            List<String> brine = new ArrayList<>();
            for (String line : ls.out().split("\n")) {
                // the columns: name (24), dtype (15), shape (16), size (10), then the storage
                brine.add(String.join("|", line.substring(0, 24).strip(), line.substring(25, 40).strip(),
                        line.substring(41, 57).strip(), line.substring(58, 68).strip(),
                        Boolean.toString(line.substring(70).endsWith(", pickled"))));
            }
            List<String> numpy = new ArrayList<>();
            for (String line : expected.split("\n")) {
                String[] f = line.split("\\|");
                numpy.add(String.join("|", f[0], f[1], f[2], Sizes.human(Long.parseLong(f[3])), f[4].toLowerCase()));
            }
            assertEquals(numpy, brine, save);
        }
    }

    /** verify reads every member, object ones through their pickle, and says which those were. */
    @Test
    void verifyReadsObjectMembers() throws Exception {
        numpy("np.savez('t.npz', " + MEMBERS + ")\nnp.save('o.npy', np.array([1, 'x', None], dtype=object))\n"
                + "assert len(dict(np.load('t.npz', allow_pickle=True))) == 5\n");
        CliTest.Run npz = CliTest.run("verify", tmp.resolve("t.npz").toString());
        assertEquals(0, npz.status(), npz.err());
        assertEquals(tmp.resolve("t.npz") + ": ok (npz, 5 items; object arrays, their pickles read without running"
                + " anything: o, m, r, n)\n", npz.out());
        assertEquals("", npz.err());
        CliTest.Run npy = CliTest.run("verify", tmp.resolve("o.npy").toString());
        assertEquals(0, npy.status(), npy.err());
        assertTrue(npy.out().endsWith("o.npy: ok (npy, 1 item; object arrays, their pickles read without running anything: o)\n"),
                npy.out());
    }

    /** show prints an object array as numpy's repr, in an .npz (a dict of its members) and as a plain .npy. */
    @Test
    void showPrintsObjectArraysAsNumpysRepr() throws Exception {
        String reprs = numpy("np.savez('objects.npz', " + MEMBERS.substring(MEMBERS.indexOf("o=")) + ",\n"
                + "         long=np.arange(2000).astype(object), lists=np.array([[3], 'y'], dtype=object))\n"
                + "f = np.load('objects.npz', allow_pickle=True)\n"
                + "print(repr(dict(f)))\n"
                + "np.save('m.npy', f['m'])\n"
                + "print(repr(np.load('m.npy', allow_pickle=True)))\n");
        String[] expected = reprs.split("\n(?=array)", 2); // the dict, then the .npy's array (over lines of its own)
        CliTest.Run npz = CliTest.run("show", tmp.resolve("objects.npz").toString());
        assertEquals(0, npz.status(), npz.err());
        assertEquals(expected[0] + "\n", npz.out());
        CliTest.Run npy = CliTest.run("show", tmp.resolve("m.npy").toString());
        assertEquals(0, npy.status(), npy.err());
        assertEquals(expected[1], npy.out());
    }

    /**
     * extract writes every array, the object arrays too (they were skipped with a warning), as np.save writes them:
     * numpy reads each back equal, and with {@code --numpy-names=2} the object array's file is byte for byte the
     * one this machine's numpy 2 writes (numpy 1's names by default, which numpy 1 and 2 load).
     */
    @Test
    void extractWritesEveryArrayTheObjectArraysAsNpSaveDoes() throws Exception {
        numpy("np.savez('t.npz', a=np.arange(3), o=np.array([1, 'x', None, [2.5]], dtype=object))\n"
                + "np.save('o2.npy', np.load('t.npz', allow_pickle=True)['o'])\n");
        Path out = tmp.resolve("out");
        CliTest.Run r = CliTest.run("extract", tmp.resolve("t.npz").toString(), "-o", out.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(out.resolve("a.npy") + "\n" + out.resolve("o.npy") + "\n", r.out());
        assertEquals("", r.err());
        numpy("assert (np.load('out/a.npy') == np.arange(3)).all()\n"
                + "o = np.load('out/o.npy', allow_pickle=True)\n"
                + "assert o.dtype == object and o.tolist() == [1, 'x', None, [2.5]], o\n");
        Path out2 = tmp.resolve("out2");
        CliTest.Run r2 = CliTest.run("extract", "--numpy-names=2", tmp.resolve("t.npz").toString(), "-o", out2.toString());
        assertEquals(0, r2.status(), r2.err());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("o2.npy")), Files.readAllBytes(out2.resolve("o.npy")));
        CliTest.Run bad = CliTest.run("extract", "--numpy-names=3", tmp.resolve("t.npz").toString(), "-o", out2.toString());
        assertEquals(2, bad.status(), bad.err());
        assertTrue(bad.err().contains("--numpy-names must be 1 (numpy.core) or 2 (numpy._core)"), bad.err());
    }

    /**
     * An object member whose pickle calls {@code os.system}: numpy's {@code allow_pickle=True} would
     * run it. ls, show and verify read it inert (verify warns, naming the member and the function);
     * the command never runs. A member whose pickle is not the array its header describes fails the
     * file, naming the member.
     */
    @Test
    void aPickleNamingACallableStaysInertInEveryVerb() throws Exception {
        Path pwned = tmp.resolve("pwned");
        numpy("class Evil:\n"
                + "    def __reduce__(self):\n"
                + "        return (os.system, ('touch ' + " + pyStr(pwned.toString()) + ",))\n"
                + "np.savez('evil.npz', a=np.ones(2), o=np.array([Evil()], dtype=object))\n"
                + "np.save('evil.npy', np.array([Evil()], dtype=object))\n"
                + "buf = io.BytesIO(); np.lib.format.write_array_header_1_0(buf, {'descr': '|O', 'fortran_order': False,"
                + " 'shape': (1,)})\n"
                + "np.savez('bare.npz', a=np.ones(2))\n"
                + "import zipfile\n"
                + "with zipfile.ZipFile('bare.npz', 'a') as z: z.writestr('o.npy', buf.getvalue() + pickle.dumps(Evil(), 4))\n");
        String evil = tmp.resolve("evil.npz").toString();
        CliTest.Run ls = CliTest.run("ls", evil);
        assertEquals(0, ls.status(), ls.err());
        assertTrue(ls.out().matches("(?s).*\\no\\s+object\\s+\\(1,\\)\\s+8 B\\s+stored, pickled\\n"), ls.out());
        CliTest.Run show = CliTest.run("show", evil);
        assertEquals(0, show.status(), show.err());
        assertTrue(show.out().contains("'o': array([posix.system('touch "), show.out());
        CliTest.Run verify = CliTest.run("verify", evil);
        assertEquals(0, verify.status(), verify.err());
        String warning = "brine: warning: " + evil + ": member o: its pickle names posix.system (at [0]), kept inert here;"
                + " np.load(..., allow_pickle=True) would import and run it\n";
        assertEquals(warning, verify.err());
        assertEquals(warning, show.err()); // every verb that reads the pickle says so
        assertEquals(warning, ls.err());
        for (String verb : List.of("verify", "show", "ls")) {
            CliTest.Run npy = CliTest.run(verb, tmp.resolve("evil.npy").toString());
            assertEquals(0, npy.status(), npy.err());
            assertTrue(npy.err().contains("member evil: its pickle names posix.system (at [0])"), npy.err());
        }
        for (String verb : List.of("ls", "verify", "show")) {
            CliTest.Run bare = CliTest.run(verb, tmp.resolve("bare.npz").toString());
            assertEquals(1, bare.status(), verb);
            assertTrue(bare.err().contains("bare.npz: member o.npy: the data of an object array must be a pickle of that"
                    + " array, but it holds an object of posix.system"), verb + ": " + bare.err());
        }
        assertFalse(Files.exists(pwned), "the command ran");
    }

    /**
     * An object .npy converts to a pickle that Python loads as numpy's array, and to another .npy as np.save
     * writes one (NpyObjectArrayConvertTest compares the bytes).
     */
    @Test
    void anObjectNpyConvertsToAPickleAndToAnNpy() throws Exception {
        numpy("np.save('o.npy', np.array([[1, 'x'], [None, 2.5]], dtype=object).T)\n");
        CliTest.Run npy = CliTest.run("convert", tmp.resolve("o.npy").toString(), tmp.resolve("copy.npy").toString());
        assertEquals(0, npy.status(), npy.err());
        assertEquals("True", numpy("a = np.load('o.npy', allow_pickle=True)\nb = np.load('copy.npy', allow_pickle=True)\n"
                + "print(a.dtype == b.dtype and a.shape == b.shape and a.flags.f_contiguous == b.flags.f_contiguous"
                + " and a.tolist() == b.tolist())\n").strip());
        CliTest.Run pkl = CliTest.run("convert", tmp.resolve("o.npy").toString(), tmp.resolve("o.pkl").toString());
        assertEquals(0, pkl.status(), pkl.err());
        assertEquals("True", numpy("a = np.load('o.npy', allow_pickle=True)\nb = pickle.load(open('o.pkl', 'rb'))\n"
                + "print(a.dtype == b.dtype and a.shape == b.shape and a.flags.f_contiguous == b.flags.f_contiguous"
                + " and all(x == y for x, y in zip(a.flat, b.flat)))\n").strip());
    }

    /**
     * show --json writes an object array's items as values, a structured one's records as objects of their
     * fields as for arrays of numbers; the expected JSON is json.dumps of numpy's own items.
     */
    @Test
    void showJsonWritesObjectItemsAndStructuredRecordsAsObjects() throws Exception {
        numpy("import json\n"
                + "arrays = {'o': np.array([1, 'x', None, [2, 'y']], dtype=object),"
                + " 's': np.array([(1, 'q'), (2, {'k': 3})], dtype=[('a', '<i4'), ('b', 'O')])}\n"
                + "def item(v):\n"
                + "    if isinstance(v, np.void): return {n: item(v[n]) for n in v.dtype.names}\n"
                + "    if isinstance(v, np.generic): return v.item()\n"
                + "    return v\n"
                + "for name, a in arrays.items():\n"
                + "    np.save(name + '.npy', a)\n"
                + "    doc = {'__ndarray__': {'dtype': a.dtype.name, 'shape': list(a.shape), 'values': [item(v) for v in a]}}\n"
                + "    open(name + '.json', 'w').write(json.dumps(doc) + '\\n')\n");
        for (String name : List.of("o", "s")) {
            CliTest.Run show = CliTest.run("show", "--json", tmp.resolve(name + ".npy").toString());
            assertEquals(0, show.status(), show.err());
            assertEquals(Files.readString(tmp.resolve(name + ".json")), show.out(), name);
        }
    }

    /** Object arrays inside a pickle are listed by ls as numpy describes them, and extract writes them as np.save does. */
    @Test
    void objectArraysInsideAPickleAreListedAndExtracted() throws Exception {
        String expected = numpy("d = {'o': np.array([1, 'x', None], dtype=object), 'n': np.arange(3)}\n"
                + "pickle.dump(d, open('d.pkl', 'wb'), 4)\n"
                + "print(d['o'].dtype.name, d['o'].shape, d['o'].nbytes, sep='|')\n").strip();
        CliTest.Run ls = CliTest.run("ls", tmp.resolve("d.pkl").toString());
        assertEquals(0, ls.status(), ls.err());
        String line = ls.out().lines().filter(l -> l.startsWith("o ")).findFirst().orElseThrow();
        assertEquals(expected, String.join("|", line.substring(25, 40).strip(), line.substring(41, 57).strip(),
                line.substring(58, 68).strip().replace(" B", "")));
        CliTest.Run extract = CliTest.run("extract", tmp.resolve("d.pkl").toString(), "-o", tmp.resolve("out").toString());
        assertEquals(0, extract.status(), extract.err());
        assertEquals("", extract.err());
        numpy("o = np.load('out/o.npy', allow_pickle=True)\n"
                + "assert o.dtype == object and o.tolist() == [1, 'x', None], o\n"
                + "assert (np.load('out/n.npy') == np.arange(3)).all()\n");
    }

    /**
     * A model archive whose pickle holds a numpy object array (Brine's own convert output of a pickle that holds one,
     * as any pandas str column does) was refused by every verb ("register numpy with object arrays allowed"), and
     * an archive whose pickle has a Python 2 str too: archives are now read with the options plain pickles are read
     * with. Oracle: numpy loads the pickle converted back from the archive, equal to the original.
     */
    @Test
    void anArchiveHoldingAnObjectArrayIsReadAsAPlainPickleIs() throws Exception {
        numpy("pickle.dump({'o': np.array([1, None, 'x'], dtype=object), 'a': np.arange(3)}, open('plain.pkl', 'wb'))\n"
                + "import zipfile\n"
                + "with zipfile.ZipFile('py2.zip', 'w') as z: z.writestr('pkl', b'\\x80\\x02}q\\x00U\\x04nameq\\x01U\\x04caf\\xe9q\\x02s.')\n");
        String zip = tmp.resolve("model.zip").toString();
        CliTest.Run convert = CliTest.run("convert", tmp.resolve("plain.pkl").toString(), zip);
        assertEquals(0, convert.status(), convert.err());
        for (String verb : List.of("show", "ls", "verify")) {
            CliTest.Run r = CliTest.run(verb, zip);
            assertEquals(0, r.status(), verb + ": " + r.err());
        }
        assertTrue(CliTest.run("ls", zip).out().lines().anyMatch(l -> l.startsWith("o ") && l.contains("object")));
        CliTest.Run back = CliTest.run("convert", zip, tmp.resolve("back.pkl").toString());
        assertEquals(0, back.status(), back.err());
        numpy("d = pickle.load(open('back.pkl', 'rb'))\n"
                + "assert d['o'].dtype == object and d['o'].tolist() == [1, None, 'x'], d\n"
                + "assert (d['a'] == np.arange(3)).all(), d\n");
        CliTest.Run py2 = CliTest.run("show", tmp.resolve("py2.zip").toString());
        assertEquals(0, py2.status(), py2.err());
        assertEquals("{'name': 'caf\u00e9'}\n", py2.out());
    }
}
