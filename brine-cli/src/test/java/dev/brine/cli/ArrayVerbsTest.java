package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verbs on files numpy itself wrote: show, ls, verify, extract, convert. */
class ArrayVerbsTest {
    @TempDir
    Path tmp;

    private void numpy(String script) throws Exception {
        Python.require("numpy");
        Python.check("import numpy as np, pickle, os, zipfile\nos.chdir(" + pyStr(tmp.toString()) + ")\n" + script, new byte[0]);
    }

    private static String pyStr(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Test
    void showAndLsDescribeNumpyFiles() throws Exception {
        numpy("np.save('a.npy', np.arange(12, dtype='<f4').reshape(3, 4))\n"
                + "np.savez_compressed('z.npz', w=np.ones((2, 2)), b=np.array([1, 2, 3]))\n");
        CliTest.Run show = CliTest.run("show", "--stats", tmp.resolve("a.npy").toString());
        assertEquals(0, show.status(), show.err());
        assertEquals("array(float32, shape=(3, 4)) [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, ...]"
                + " {min=0.0, max=11.0, mean=5.5, std=3.452052529534663, nan=0, inf=0}\n", show.out());
        CliTest.Run ls = CliTest.run("ls", tmp.resolve("z.npz").toString());
        assertEquals(0, ls.status(), ls.err());
        assertTrue(ls.out().matches("(?s)w\\s+float64\\s+\\(2, 2\\)\\s+32 B\\s+deflated\\nb\\s+int64\\s+\\(3,\\)\\s+24 B\\s+deflated\\n"),
                ls.out());
    }

    @Test
    void showPrintsDtypesAsNumpyReprsThem() throws Exception {
        // a dict of dtypes prints as Python prints it: {'k': dtype(...), ...}
        numpy("d = {'f': np.dtype('<f8'), 'b': np.dtype('>i4'), 'u': np.dtype('<U3'), 'st': np.dtype([('x', '<i4'),"
                + " ('s', 'S2'), ('ok', '?')]), 'pad': np.dtype({'names': ['x'], 'formats': ['<i2'], 'offsets': [4],"
                + " 'itemsize': 8}), 'al': np.dtype([('a', 'u1'), ('b', '<f8')], align=True),"
                + " 'rec': np.rec.array([(1, 2.5)], dtype=[('x', '<i4'), ('y', '<f8')]).dtype}\n"
                + "pickle.dump(d, open('dt.pkl', 'wb'), 4)\nopen('dt.txt', 'w').write(repr(d))\n");
        CliTest.Run show = CliTest.run("show", tmp.resolve("dt.pkl").toString());
        assertEquals(0, show.status(), show.err());
        assertEquals(Files.readString(tmp.resolve("dt.txt")) + "\n", show.out());
    }

    /** Object arrays inside a pickle are read (their items inert, as every value show reads) and print as numpy's repr. */
    @Test
    void showPrintsObjectArraysAsNumpyReprsThem() throws Exception {
        numpy("d = {'o': np.array([1, 'a'], dtype=object), 'n': np.array(None), 'e': np.array([], dtype=object),"
                + " 'e2': np.zeros((0, 2), dtype=object), 'm': np.array([[1, 'a'], [None, 2.5]], dtype=object),"
                + " 'f': np.asfortranarray(np.array([[1, 2], [3, (4, 5)]], dtype=object)),"
                + " 'c': np.array([[[1], [2]], [[3], [4]]], dtype=object),"
                + " 'long': np.arange(2000).astype(object), 'rows': np.arange(2000).reshape(40, 50).astype(object)}\n"
                + "pickle.dump(d, open('obj.pkl', 'wb'), 4)\nopen('obj.txt', 'w').write(repr(d))\n");
        CliTest.Run show = CliTest.run("show", tmp.resolve("obj.pkl").toString());
        assertEquals(0, show.status(), show.err());
        assertEquals(Files.readString(tmp.resolve("obj.txt")) + "\n", show.out());
    }

    /**
     * Long doubles beyond a double's range (and between doubles) show as numpy's str of each element, in show and
     * as JSON text in show --json, where they used to be inf and 0.
     */
    @Test
    void showPrintsLongDoublesAsNumpysStrOfEachElement() throws Exception {
        numpy("L = np.longdouble\n"
                + "a = np.array([L('1e400'), L('1e-400'), L('-3.5e4000'), L('1e-4940'), L(2) ** -16382, L('0.1'), L(2),"
                + " -L(0), L(1) / 3, L('nan'), -L('inf')])\n"
                + "c = np.array([L('1e400') + 1j * L('1e-400'), 2j, 1 + 0j, complex(0, float('nan'))], dtype=np.clongdouble)\n"
                + "np.save('ld.npy', a)\nnp.save('cld.npy', c)\n"
                + "open('ld.txt', 'w').write(', '.join(str(x) for x in a))\n"
                + "open('cld.txt', 'w').write(', '.join(str(x) for x in c))\n");
        for (String n : new String[] {"ld", "cld"}) {
            String numpy = Files.readString(tmp.resolve(n + ".txt"));
            String[] items = numpy.split(", ");
            int count = items.length;
            String dtype = n.equals("ld") ? "float128" : "complex256";
            CliTest.Run show = CliTest.run("show", tmp.resolve(n + ".npy").toString());
            assertEquals(0, show.status(), show.err());
            String shown = String.join(", ", java.util.Arrays.copyOf(items, Math.min(6, count))) + (count > 6 ? ", ..." : "");
            assertEquals("array(" + dtype + ", shape=(" + count + ",)) [" + shown + "]\n", show.out()); // show's 6 values
            CliTest.Run json = CliTest.run("show", "--json", "--items", "20", tmp.resolve(n + ".npy").toString());
            assertEquals(0, json.status(), json.err());
            assertEquals("{\"__ndarray__\": {\"dtype\": \"" + dtype + "\", \"shape\": [" + count + "], \"values\": [\""
                    + numpy.replace(", ", "\", \"") + "\"]}}\n", json.out());
        }
    }

    @Test
    void convertPickleOfArraysToNpzFlattensAndWarns() throws Exception {
        numpy("pickle.dump({'W': np.arange(4.), 'cfg': {'lr': 0.1, 'b': np.zeros(2, dtype='i8')}, 'n': 3},"
                + " open('m.pkl', 'wb'), 4)\n");
        CliTest.Run r = CliTest.run("convert", tmp.resolve("m.pkl").toString(), tmp.resolve("m.npz").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("not converted: cfg.lr, n"), r.err());
        numpy("z = np.load('m.npz')\nassert z.files == ['W', 'cfg.b'], z.files\n"
                + "assert (z['W'] == np.arange(4.)).all() and z['cfg.b'].dtype == np.int64\n");
    }

    @Test
    void anNpyOverTwoGibListsVerifiesAndShowsWithoutBeingReadIntoTheHeap() throws Exception {
        // numpy's open_memmap makes the file sparse, so 2.7 GB cost no disk and no time
        numpy("m = np.lib.format.open_memmap('big.npy', 'w+', np.uint8, (2_700_000_000,))\n"
                + "m[-1] = 7\nm.flush()\n");
        String big = tmp.resolve("big.npy").toString();
        CliTest.Run ls = CliTest.run("ls", big);
        assertEquals(0, ls.status(), ls.err());
        assertTrue(ls.out().matches("big\\s+uint8\\s+\\(2700000000,\\)\\s+.*\\n"), ls.out());
        CliTest.Run verify = CliTest.run("verify", big);
        assertEquals(0, verify.status(), verify.err());
        CliTest.Run show = CliTest.run("show", big);
        assertEquals(0, show.status(), show.err());
        assertTrue(show.out().startsWith("array(uint8, shape=(2700000000,)) [0, 0, 0"), show.out());
    }

    @Test
    void convertNpyToNpyIsByteIdentical() throws Exception {
        numpy("np.save('a.npy', np.arange(6, dtype='>i2').reshape(2, 3, order='F'))\n");
        CliTest.Run r = CliTest.run("convert", tmp.resolve("a.npy").toString(), tmp.resolve("b.npy").toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(-1, Files.mismatch(tmp.resolve("a.npy"), tmp.resolve("b.npy")));
    }

    @Test
    void extractWritesEveryArrayAndRefusesEscapingNames() throws Exception {
        numpy("np.savez('z.npz', w=np.ones(2), b=np.zeros(3))\n"
                + "import io\nbuf = io.BytesIO(); np.save(buf, np.ones(1))\n"
                + "with zipfile.ZipFile('evil.npz', 'w') as z: z.writestr('../evil.npy', buf.getvalue())\n");
        Path out = tmp.resolve("out");
        CliTest.Run r = CliTest.run("extract", tmp.resolve("z.npz").toString(), "-o", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Files.exists(out.resolve("w.npy")) && Files.exists(out.resolve("b.npy")));
        numpy("assert (np.load('out/b.npy') == np.zeros(3)).all()\n");
        CliTest.Run evil = CliTest.run("extract", tmp.resolve("evil.npz").toString(), "-o", tmp.resolve("out2").toString());
        assertEquals(1, evil.status());
        assertTrue(evil.err().contains("../evil.npy"), evil.err());
        assertFalse(Files.exists(tmp.resolve("evil.npy")));
    }

    @Test
    void verifyReportsOkAndTheFirstProblem() throws Exception {
        numpy("np.savez_compressed('z.npz', w=np.arange(1000.))\n");
        CliTest.Run ok = CliTest.run("verify", tmp.resolve("z.npz").toString());
        assertEquals(0, ok.status(), ok.err());
        byte[] bytes = Files.readAllBytes(tmp.resolve("z.npz"));
        bytes[bytes.length / 3] ^= 0x5a; // inside the deflated data
        Files.write(tmp.resolve("bad.npz"), bytes);
        CliTest.Run bad = CliTest.run("verify", tmp.resolve("bad.npz").toString());
        assertEquals(1, bad.status());
        assertTrue(bad.err().startsWith("brine: ") && bad.err().contains("bad.npz"), bad.err());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
    }

    /**
     * {@code show --json} writes every element of arrays whose elements are not plain numbers: complex as
     * Python's repr of the complex, datetime64 as numpy's str of the scalar, timedelta64 as numpy's array repr
     * prints it (the count: the unit is in the dtype), structured records
     * as objects of their fields (each element was {@code "..."}); the expected JSON is Python's json.dumps.
     */
    @Test
    void showJsonWritesComplexTimeAndStructuredElements() throws Exception {
        numpy("""
                import json
                arrays = {'c': np.array([1+2j, 3j, -0.5-1e300j]), 'c8': np.array([1.5+0.25j], dtype='c8'),
                          'd': np.array(['2020-01-01', 'NaT'], dtype='M8[D]'), 't': np.array([3, -1, 'NaT'], dtype='m8[s]'),
                          's': np.array([(1, 2.5), (-7, 0.0)], dtype=[('a', '<i4'), ('b', '<f8')]),
                          'n': np.array([((1, 2), b'xy')], dtype=[('p', [('x', 'u1'), ('y', 'i8')]), ('q', 'S2')])}
                def element(v):
                    if isinstance(v, np.void):
                        return {name: element(v[name]) for name in v.dtype.names}
                    if isinstance(v, np.complexfloating):
                        return repr(complex(v))
                    if isinstance(v, np.datetime64):
                        return str(v)
                    if isinstance(v, np.timedelta64):  # as numpy's array repr prints it: the count, its unit in the dtype
                        return np.array2string(np.array([v]))[1:-1].strip().strip("'")
                    if isinstance(v, bytes):
                        import base64
                        return {'__bytes__': base64.b64encode(v).decode()}
                    return v.item()
                for name, a in arrays.items():
                    np.save(name + '.npy', a)
                    doc = {'__ndarray__': {'dtype': a.dtype.name, 'shape': list(a.shape), 'values': [element(v) for v in a]}}
                    open(name + '.json', 'w').write(json.dumps(doc) + '\\n')
                """);
        for (String name : new String[] {"c", "c8", "d", "t", "s", "n"}) {
            CliTest.Run show = CliTest.run("show", "--json", tmp.resolve(name + ".npy").toString());
            assertEquals(0, show.status(), show.err());
            assertEquals(Files.readString(tmp.resolve(name + ".json")), show.out(), name);
        }
    }

    /**
     * An empty .npz (numpy.savez() with no arrays) or an empty dict converts to an empty .npz that numpy
     * reads, as numpy.savez() writes one; a pickle whose every value was dropped is refused instead.
     */
    @Test
    void emptyInputsConvertToAnEmptyNpzButAllDroppedIsRefused() throws Exception {
        numpy("np.savez('e.npz')\npickle.dump({}, open('e.pkl', 'wb'))\npickle.dump({'a': 1}, open('a.pkl', 'wb'))\n");
        for (String in : new String[] {"e.npz", "e.pkl"}) {
            CliTest.Run conv = CliTest.run("convert", tmp.resolve(in).toString(), tmp.resolve(in + ".out.npz").toString());
            assertEquals(0, conv.status(), conv.err());
        }
        numpy("for f in ('e.npz.out.npz', 'e.pkl.out.npz'):\n    assert np.load(f).files == [], f\n");
        CliTest.Run dropped = CliTest.run("convert", tmp.resolve("a.pkl").toString(), tmp.resolve("a.npz").toString());
        assertEquals(1, dropped.status());
        assertTrue(dropped.err().contains("no arrays to write to .npz"), dropped.err());
        assertFalse(Files.exists(tmp.resolve("a.npz")));
    }

    /** A pickle of None (or any one non-array) converts to no .npz: refused with Brine's message, not a raw exception. */
    @Test
    void aPickleOfNoneIsRefusedAsNpzSayingWhy() throws Exception {
        numpy("pickle.dump(None, open('none.pkl', 'wb'))\n");
        CliTest.Run conv = CliTest.run("convert", tmp.resolve("none.pkl").toString(), tmp.resolve("n.npz").toString());
        assertEquals(1, conv.status());
        assertTrue(conv.err().contains("not converted: the whole object (None)") && conv.err().contains("no arrays to write"),
                conv.err());
        assertFalse(Files.exists(tmp.resolve("n.npz")));
    }

    /**
     * Flattening a dict for .npz: keys that are not str are named by their Python repr(); two arrays
     * that would get one name (a dotted key beside a nested dict, 1 beside '1') are refused, naming it.
     */
    @Test
    void npzNamesFollowPythonsStrAndCollidingNamesAreRefused() throws Exception {
        numpy("import decimal, datetime\n"
                + "pickle.dump({b'w': np.ones(1), None: np.ones(2), True: np.ones(3), (1, 2): np.ones(4),"
                + " decimal.Decimal('1.10'): np.ones(5), datetime.date(2020, 1, 2): np.ones(6)}, open('keys.pkl', 'wb'))\n"
                + "pickle.dump({'a.b': np.ones(1), 'a': {'b': np.ones(2)}}, open('dots.pkl', 'wb'))\n"
                + "pickle.dump({1: np.ones(1), '1': np.ones(2)}, open('ones.pkl', 'wb'))\n"
                + "open('keys.txt', 'w').write('|'.join(repr(k) for k in pickle.load(open('keys.pkl', 'rb'))))\n");
        CliTest.Run keys = CliTest.run("convert", tmp.resolve("keys.pkl").toString(), tmp.resolve("keys.npz").toString());
        assertEquals(0, keys.status(), keys.err());
        numpy("assert '|'.join(np.load('keys.npz').files) == open('keys.txt').read(), np.load('keys.npz').files\n");
        for (String[] c : new String[][] {{"dots", "a.b"}, {"ones", "1"}}) {
            CliTest.Run conv = CliTest.run("convert", tmp.resolve(c[0] + ".pkl").toString(), tmp.resolve(c[0] + ".npz").toString());
            assertEquals(1, conv.status(), c[0]);
            assertTrue(conv.err().contains("two arrays would both be named '" + c[1] + "'"), conv.err());
            assertFalse(Files.exists(tmp.resolve(c[0] + ".npz")));
        }
    }

    /** Writing into a folder that does not exist names the file asked for and the folder, not a temporary file. */
    @Test
    void convertIntoAMissingFolderNamesTheTargetAndTheFolder() throws Exception {
        numpy("np.save('a.npy', np.arange(3))\n");
        Path target = tmp.resolve("missing").resolve("b.npy");
        CliTest.Run conv = CliTest.run("convert", tmp.resolve("a.npy").toString(), target.toString());
        assertEquals(1, conv.status());
        assertTrue(conv.err().contains(target.toString() + ": cannot write it: the folder " + target.getParent()
                + " does not exist") && !conv.err().contains(".tmp"), conv.err());
        Path underAFile = tmp.resolve("a.npy").resolve("c.npy");
        CliTest.Run file = CliTest.run("convert", tmp.resolve("a.npy").toString(), underAFile.toString());
        assertEquals(1, file.status());
        assertTrue(file.err().contains(tmp.resolve("a.npy") + " is a file, not a folder"), file.err());
    }
}
