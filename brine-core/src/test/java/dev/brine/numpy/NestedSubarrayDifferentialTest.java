package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.Limits;
import dev.brine.mapping.ClassRegistry;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.testing.Python;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Subarrays of subarrays against live numpy 2, which keeps them nested ({@code dtype((('<i4', (2,)), (3,)))}
 * is neither equal to nor printed as {@code dtype(('<i4', (3, 2)))}): dtypes and arrays that CPython
 * pickles or saves load in Brine with numpy's repr, properties, shape and bytes, and dump back to
 * numpy's own bytes at every protocol; and what Brine builds, saves and pickles loads in numpy as the
 * equal dtype with the same values.
 */
class NestedSubarrayDifferentialTest {
    private static final HexFormat HEX = HexFormat.of();

    /** numpy 2's own module names, so Brine's output can be compared byte for byte with numpy's. */
    private static final PicklerOptions NUMPY2 = PicklerOptions.builder()
            .registry(NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY2, false).build())
            .build();

    /** {@code N(base, s1, s2, ...)}: numpy's {@code dtype((dtype((base, s1)), s2))}..., each level nested in the next. */
    private static final String SETUP = String.join("\n",
            "import sys, io, pickle, warnings, numpy as np",
            "from numpy.lib import format as F",
            "warnings.simplefilter('ignore')",
            "def N(base, *shapes):",
            "    d = np.dtype(base)",
            "    for s in shapes:",
            "        d = np.dtype((d, s))",
            "    return d",
            "AL = np.dtype([('x', 'u1'), ('y', '<f8')], align=True)",
            "def tup(t): return ','.join(str(x) for x in t)",
            "def props(line):",
            "    d = eval(line)",
            "    out = [repr(d), d.str, str(d.itemsize), str(d.alignment), str(d.flags), str(d.isalignedstruct),",
            "           tup(d.shape), repr(d.base) if d.subdtype else '-']",
            "    try:",
            "        out.append(repr(F.dtype_to_descr(d)) if d.names is not None and not d.hasobject else '-')",
            "    except ValueError:",
            "        out.append('-')",
            "    out.append('|'.join(pickle.dumps(d, p).hex() for p in range(6)))",
            "    return '\\t'.join(out)",
            // the leaf kinds of a dtype: only arrays of integers get their repr compared (random bytes
            // make floats, datetimes and text whose printing other tests cover)
            "def leaves(d):",
            "    if d.names is not None: return ''.join(leaves(d.fields[n][0]) for n in d.names)",
            "    if d.subdtype is not None: return leaves(d.subdtype[0])",
            "    return d.kind",
            // numpy's pickle; the dtype and bytes of what numpy loads from it (a '>f8' array loads as '<f8': its
            // __setstate__ swaps other byte orders into native); numpy's re-dump of that
            "def loaded(a, p):",
            "    b = pickle.dumps(a, p); l = pickle.loads(b)",
            "    return '#'.join([b.hex(), repr(l.dtype), l.tobytes().hex(), pickle.dumps(l, p).hex()])",
            "def arr(line):",
            "    expr, shape = line.split('\\t')",
            "    d = eval(expr)",
            "    shape = tuple(int(x) for x in shape.split(','))",
            "    a = np.zeros(shape, d)",
            "    if a.nbytes:",
            "        raw = bytes((i * 37 + 11) % 256 for i in range(a.nbytes))",
            "        a = np.ndarray(shape, d, buffer=bytearray(raw))",
            "    out = [repr(a.dtype), tup(a.shape), a.tobytes().hex(), '|'.join(loaded(a, p) for p in range(6))]",
            "    try:",
            "        b = io.BytesIO(); np.save(b, a, allow_pickle=False)",
            "        out += [b.getvalue().hex(), repr(np.load(io.BytesIO(b.getvalue())).dtype)]",
            // overlapping or out-of-order fields have no descr
            "    except ValueError:",
            "        out += ['-', '-']",
            "    first = a.reshape(-1)[0] if a.size else None",
            "    elems = []",
            "    if first is not None and a.dtype.names is not None:",
            "        for n in a.dtype.names:",
            "            if a.dtype.fields[n][0].subdtype is not None:",
            "                v = np.asarray(first[n])",
            "                elems.append(n + '=' + tup(v.shape) + ':' + v.tobytes().hex())",
            "    out.append(';'.join(elems) or '-')",
            "    try:",
            "        plain = a.dtype.names is None or str(a.dtype) == repr(F.dtype_to_descr(a.dtype))",
            "    except ValueError:",
            "        plain = False",
            "    out.append(repr(a).replace('\\n', '\\\\n') if plain and set(leaves(a.dtype)) <= set('iu') else '-')",
            "    return '\\t'.join(out)");

    /** numpy dtype expressions: nested subarrays on their own, 3 and 4 levels deep, and inside fields. */
    private static final List<String> DTYPES = List.of(
            "N('i4', (2,), (3,))",
            "np.dtype(('(2,)i4', (3,)))",
            "N('>f8', (2,), (3,), (4, 5))",
            "N('u1', (2, 2), 1)",
            "N('<U3', (2,), (3,))",
            "N('S2', 2, 3)",
            "N('>M8[ms]', (2,), (2,))",
            "N('<m8[10us]', 3, 1)",
            "N('<c16', (1,), (0,))",
            "N('?', (1, 1), (1,), (1, 1, 1))",
            "N([('x', 'u1'), ('y', '<f8')], (2,), (3,))",
            "N(AL, (2,), (3,))",
            "N('i4', (2,), (3,)).newbyteorder('>')",
            "np.dtype([('a', ('(2,)i4', (3,)))])",
            "np.dtype([('a', '(2,)i4', (3,)), ('b', '>f8', (2,)), ('c', N('u1', (2,), (2,)), (2,))])",
            "np.dtype([('p', 'u1'), ('q', ('(2,)i4', (3,)))], align=True)",
            "np.dtype([('p', 'u1'), ('q', N(AL, (2,), (2,)))], align=True)",
            "np.dtype({'names': ['a', 'b'], 'formats': [('(2,)i2', (3,)), 'u1'], 'offsets': [0, 16], 'itemsize': 20})",
            "np.dtype({'names': ['b', 'a'], 'formats': ['u1', N('<f4', 2, 2)], 'offsets': [16, 0], 'itemsize': 20})",
            "np.dtype([(('T', 'a'), ('(2,)i4', (3,))), ('b', 'S3')])",
            "np.dtype([('n', [('m', ('(2,)<f4', (2,)))]), ('z', '?')])",
            "np.dtype([('n', [('m', ('(2,)<f4', (2,)))], (2,))])",
            "np.dtype((np.record, [('a', ('(2,)i4', (3,)))]))",
            "np.dtype([('a', ('(2,)i4', (3,))), ('u', '<U2', (2,))]).newbyteorder('>')",
            "np.dtype([('a', ('(2,)>u2', (3,))), ('b', '<i8', (1, 2)), ('c', N('i1', 2, 2, 2))])",
            "np.dtype([('t', N('<M8[s]', (2,), (2,)))])",
            "N('O', (2,), (3,))",
            "np.dtype([('o', ('(2,)O', (2,)))])");

    @Test
    void dtypesPickledByNumpyLoadWithNumpysReprAndPropertiesAndDumpBackIdentically() throws IOException {
        Python.require("numpy");
        List<String> numpy = Python.eachLine(SETUP, "props(line)", null, DTYPES);
        for (int i = 0; i < DTYPES.size(); i++) {
            String where = DTYPES.get(i);
            String[] e = numpy.get(i).split("\t", -1);
            assertEquals(10, e.length, where);
            String[] pickles = e[9].split("\\|");
            DType d = null;
            for (int p = 0; p <= 5; p++) {
                byte[] pickle = HEX.parseHex(pickles[p]);
                DType loaded = (DType) Pickle.loads(pickle);
                assertEquals(e[0], loaded.toString(), where + " repr, protocol " + p);
                assertEquals(pickles[p], HEX.formatHex(Pickle.dumps(loaded, NUMPY2.withProtocol(p))),
                        where + " dumped back at protocol " + p);
                if (d != null) {
                    assertEquals(d, loaded, where);
                    assertEquals(d.hashCode(), loaded.hashCode(), where);
                }
                d = loaded;
            }
            assertEquals(e[1], d.str(), where + " dtype.str");
            assertEquals(Integer.parseInt(e[2]), d.itemsize(), where + " dtype.itemsize");
            assertEquals(Integer.parseInt(e[3]), d.alignment(), where + " dtype.alignment");
            assertEquals(Integer.parseInt(e[4]), d.flags(), where + " dtype.flags");
            assertEquals(Boolean.parseBoolean(e[5].toLowerCase()), d.isAlignedStruct(), where + " dtype.isalignedstruct");
            assertEquals(e[6], join(d.subarrayShape()), where + " dtype.shape");
            assertEquals(e[7], d.subarrayBase() == null ? "-" : d.subarrayBase().toString(), where + " dtype.base");
            if (!e[8].equals("-")) {
                assertEquals(e[8], d.descrRepr(), where + " numpy.lib.format.dtype_to_descr");
            }
        }
    }

    @Test
    void arraysPickledAndSavedByNumpyLoadWithNumpysShapeAndBytesAndWriteBackIdentically() throws IOException {
        Python.require("numpy");
        List<String> lines = new ArrayList<>();
        for (String d : DTYPES) {
            if (!d.contains("O'")) {
                lines.add(d + "\t2");
                lines.add(d + "\t2,3");
            }
        }
        List<String> numpy = Python.eachLine(SETUP, "arr(line)", null, lines);
        int reprs = 0;
        int npys = 0;
        for (int i = 0; i < lines.size(); i++) {
            String where = lines.get(i).replace('\t', ' ');
            String[] e = numpy.get(i).split("\t", -1);
            assertEquals(8, e.length, where);
            String[] pickles = e[3].split("\\|");
            NDArray fromPickle = null;
            for (int p = 0; p <= 5; p++) {
                String[] numpyLoaded = pickles[p].split("#"); // pickle, then what numpy loads: dtype, bytes, re-dump
                NDArray a = (NDArray) Pickle.loads(HEX.parseHex(numpyLoaded[0]));
                fromPickle = a;
                String[] asLoaded = e.clone();
                asLoaded[0] = numpyLoaded[1];
                asLoaded[2] = numpyLoaded[2];
                checkArray(asLoaded, a, where + " pickled at protocol " + p);
                // an array numpy swapped writes back as numpy's re-dump of it; any other as the pickle it came from
                // (numpy's own re-dump may merge one-character strings that its pickle kept apart: see README)
                String expected = numpyLoaded[1].equals(e[0]) ? numpyLoaded[0] : numpyLoaded[3];
                assertEquals(expected, HEX.formatHex(Pickle.dumps(a, NUMPY2.withProtocol(p))),
                        where + " dumped back at protocol " + p);
            }
            if (!e[4].equals("-")) {
                byte[] npy = HEX.parseHex(e[4]);
                NDArray a = Npy.read(new ByteArrayInputStream(npy), Limits.DEFAULT);
                assertEquals(e[5], a.dtype().toString(), where + " dtype of np.load");
                assertEquals(e[1], join(a.shape()), where + " .npy shape");
                assertEquals(e[2], HEX.formatHex(a.rawBytes()), where + " .npy data");
                assertArrayEquals(npy, Npy.toBytes(a), where + " .npy written back");
                npys++;
            }
            if (!e[7].equals("-")) {
                assertEquals(e[7].replace("\\n", "\n"), fromPickle.toString(), where + " repr(array)");
                reprs++;
            }
        }
        assertTrue(reprs >= 8, "compared only " + reprs + " array reprs");
        assertTrue(npys >= 40, "compared only " + npys + " .npy files");
    }

    /** An array loaded from numpy's pickle against numpy's dtype repr, shape, bytes and first element. */
    private static void checkArray(String[] e, NDArray a, String where) {
        assertEquals(e[0], a.dtype().toString(), where + " dtype");
        assertEquals(e[1], join(a.shape()), where + " shape");
        assertEquals(e[2], HEX.formatHex(a.rawBytes()), where + " data");
        if (e[6].equals("-")) {
            return;
        }
        Map<?, ?> first = (Map<?, ?>) a.get(new long[a.ndim()]);
        for (String field : e[6].split(";")) {
            String name = field.substring(0, field.indexOf('='));
            String[] shapeAndBytes = field.substring(name.length() + 1).split(":", -1);
            NDArray v = (NDArray) first.get(name);
            assertEquals(shapeAndBytes[0], join(v.shape()), where + " shape of a[0]['" + name + "']");
            assertEquals(shapeAndBytes[1], HEX.formatHex(v.rawBytes()), where + " bytes of a[0]['" + name + "']");
        }
    }

    /** Nested subarray types built in Java, with the numpy expression each must equal. */
    private static Map<String, DType> javaBuilt() {
        DType i4x2x3 = DType.subarray(DType.subarray(DType.INT32, 2), 3);
        DType deep = DType.subarray(DType.subarray(DType.subarray(DType.parse(">f8"), 2), 1), 2);
        Map<String, DType> out = new LinkedHashMap<>();
        out.put("np.dtype([('a', ('(2,)i4', (3,))), ('bb', N('>f8', 2, 1, 2)), ('c', '<i2')])",
                DType.struct().add("a", i4x2x3).add("bb", deep).add("c", DType.INT16).build());
        out.put("np.dtype([('p', 'u1'), ('a', ('(2,)i4', (3,))), ('bb', N('>f8', 2, 1, 2))], align=True)",
                DType.struct().add("p", DType.UINT8).add("a", i4x2x3).add("bb", deep).aligned(true).build());
        out.put("np.dtype([('a', ('(2,)i4', (3,)), (2,))])", DType.struct().add("a", i4x2x3, 2).build());
        return out;
    }

    /**
     * Element {@code i}'s values, the same as numpy's {@code fill} below: a counts up, bb halves, c negates
     * ({@code bb}, not {@code b}: CPython's one-character strings are one object, so numpy's own protocol 2
     * pickle of a field named {@code b} refers back to the {@code 'b'} of {@code _reconstruct}'s arguments).
     */
    private static NDArray filled(DType t, int n) {
        NDArray a = NDArray.zeros(t, n);
        for (int i = 0; i < n; i++) {
            Map<String, Object> v = new LinkedHashMap<>();
            for (DType.Field f : t.fields()) {
                switch (f.name()) {
                    case "a":
                        // lists level by level: each level's elements in C order, each as its base takes it
                        v.put("a", levels(f.type(), new long[] {i * 100L}));
                        break;
                    case "bb": {
                        // a flat list of every innermost element
                        List<Object> flat = new ArrayList<>();
                        for (int k = 0; k < 4; k++) {
                            flat.add(i + k / 2.0);
                        }
                        v.put("bb", flat);
                        break;
                    }
                    case "c":
                        v.put("c", -i);
                        break;
                    default:
                        v.put(f.name(), i + 1);
                }
            }
            a.set(v, i);
        }
        return a;
    }

    /** A value of subarray type {@code t} as lists, one per nesting level; innermost values count up from {@code next[0]}. */
    private static Object levels(DType t, long[] next) {
        if (t.kind() != DType.Kind.SUBARRAY) {
            return next[0]++;
        }
        long count = NDArray.elementCount(t.subarrayShape());
        List<Object> out = new ArrayList<>();
        for (long k = 0; k < count; k++) {
            out.add(levels(t.subarrayBase(), next));
        }
        return out;
    }

    private static final String FILL = String.join("\n",
            "def fill(d, n):",
            "    e = np.zeros(n, d)",
            "    for name in d.names:",
            "        v = e[name]",
            "        if name == 'a': v[...] = (np.arange(n)[:, None] * 100 + np.arange(v[0].size)).reshape(v.shape)",
            "        elif name == 'bb': v[...] = (np.arange(n)[:, None] + np.arange(4) / 2).reshape(v.shape)",
            "        elif name == 'c': v[...] = -np.arange(n)",
            "        else: v[...] = np.arange(n) + 1",
            "    return e");

    @Test
    void brineBuiltDtypesAndArraysLoadInNumpyEqualAndPickleAsNumpyDoes() throws IOException {
        Python.require("numpy");
        // the top-level type on its own: equal in numpy, unequal to the flat one, the same pickle bytes
        DType nested = DType.subarray(DType.subarray(DType.INT32, 2), 3);
        DType flat = DType.subarray(DType.INT32, 3, 2);
        assertNotEquals(flat, nested);
        List<byte[]> dumps = new ArrayList<>();
        for (int p = 0; p <= 5; p++) {
            dumps.add(Pickle.dumps(nested, NUMPY2.withProtocol(p)));
            dumps.add(Pickle.dumps(nested, p)); // Brine's default names (numpy 1.x, loadable by both)
        }
        StringBuilder in = new StringBuilder();
        for (byte[] d : dumps) {
            in.append(HEX.formatHex(d)).append('\n');
        }
        String out = new String(Python.check(SETUP + "\n"
                + "want = N('i4', (2,), (3,))\n"
                + "for k, line in enumerate(sys.stdin.read().split()):\n"
                + "    d = pickle.loads(bytes.fromhex(line))\n"
                + "    assert d == want and d != np.dtype(('i4', (3, 2))), (k, d)\n"
                + "    if k % 2 == 0: assert pickle.dumps(d, k // 2).hex() == line, k\n"
                + "print(repr(d), np.zeros(4, d).shape)\n",
                in.toString().getBytes(StandardCharsets.US_ASCII)), StandardCharsets.UTF_8);
        assertEquals(nested + " (4, 3, 2)\n", out);
        assertArrayEquals(new long[] {4, 3, 2}, NDArray.zeros(nested, 4).shape());

        // structured arrays with nested subarray fields: .npy and pickles (protocols 2 and 5), both ways
        int reprs = 0;
        for (Map.Entry<String, DType> c : javaBuilt().entrySet()) {
            NDArray a = filled(c.getValue(), 3);
            byte[] npy = Npy.toBytes(a);
            byte[] p2 = Pickle.dumps(a, NUMPY2.withProtocol(2));
            byte[] p5 = Pickle.dumps(a, NUMPY2.withProtocol(5));
            String script = SETUP + "\n" + FILL + "\n"
                    + "want = " + c.getKey() + "\n"
                    + "e = fill(want, 3)\n"
                    + "npy, p2, p5 = [bytes.fromhex(x) for x in sys.stdin.read().split()]\n"
                    + "x = np.load(io.BytesIO(npy))\n"
                    + "assert x.dtype == want, (x.dtype, want)\n"
                    // np.load from a stream leaves the padding of aligned records uninitialized, so the
                    // values are compared field by field, the data as the file's last bytes
                    + "assert all(np.array_equal(x[n], e[n]) for n in want.names) and npy.endswith(e.tobytes()), (x, e)\n"
                    + "b = io.BytesIO(); np.save(b, e); assert b.getvalue() == npy, 'numpy saves other bytes'\n"
                    + "for p, data in ((2, p2), (5, p5)):\n"
                    + "    y = pickle.loads(data)\n"
                    + "    assert y.dtype == want and repr(y.dtype) == repr(want), (y.dtype, want)\n"
                    + "    assert y.tobytes() == e.tobytes() and y.shape == e.shape, (y, e)\n"
                    + "    assert pickle.dumps(y, p) == data, 'numpy pickles it differently at protocol %d: %s %s' % (p, pickle.dumps(y, p).hex(), data.hex())\n"
                    + "print(repr(want))\n"
                    // Brine's array repr prints a structured dtype as its descr, numpy as str(dtype)
                    + "print(repr(x) if str(x.dtype) == repr(F.dtype_to_descr(x.dtype)) else '-')\n";
            String stdin = HEX.formatHex(npy) + "\n" + HEX.formatHex(p2) + "\n" + HEX.formatHex(p5) + "\n";
            String[] said = new String(Python.check(script, stdin.getBytes(StandardCharsets.US_ASCII)),
                    StandardCharsets.UTF_8).split("\n", 2);
            assertEquals(said[0], c.getValue().toString(), c.getKey());
            if (!said[1].strip().equals("-")) {
                assertEquals(said[1].strip(), Npy.read(new ByteArrayInputStream(npy), Limits.DEFAULT).toString(), c.getKey());
                reprs++;
            }
        }
        assertTrue(reprs >= 2, "compared only " + reprs + " array reprs");
    }

    private static String join(long[] shape) {
        StringBuilder b = new StringBuilder();
        for (long d : shape) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(d);
        }
        return b.toString();
    }
}
