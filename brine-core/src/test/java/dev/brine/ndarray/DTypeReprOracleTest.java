package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.Limits;
import dev.brine.npy.Npy;
import dev.brine.pickle.Pickle;
import dev.brine.testing.Python;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * {@link DType#toString()} against numpy's own {@code repr(dtype)}, for a few hundred dtypes built
 * in numpy: every scalar kind in every byte order, every datetime/timedelta unit, S/U/V sizes,
 * packed, padded, reordered, overlapping, titled, aligned, nested and record structs, subarray
 * fields and top-level subarrays, and subarrays of subarrays (which numpy 2 keeps nested). Each
 * reaches Brine the two ways files carry dtypes: as a pickle of the dtype (which keeps offsets, {@code align=True} and {@code numpy.record}), and as the descr of
 * an {@code .npy} header (when numpy can write one), where the repr to match is that of the dtype {@code np.load} rebuilds.
 */
class DTypeReprOracleTest {
    private static final String ORACLE = String.join("\n",
            "import sys, io, pickle, warnings, numpy as np",
            "warnings.simplefilter('ignore')",
            "sys.stdout.reconfigure(encoding='utf-8')",
            "D = []",
            "def add(*a, **k): D.append(np.dtype(*a, **k))",
            // for the generated combinations, some of which numpy refuses (an S0 subarray, ...)
            "def tryadd(*a, **k):",
            "    try: add(*a, **k)",
            "    except (TypeError, ValueError): pass",
            // scalars in every byte order numpy keeps ('=' is native, '|' where it does not apply)
            "for c in ['?', 'b1', 'i1', 'u1', 'i2', 'u2', 'i4', 'u4', 'i8', 'u8', 'f2', 'f4', 'f8', 'g',"
                    + " 'c8', 'c16', 'G', 'O', 'S0', 'S1', 'S2', 'S255', 'U0', 'U1', 'U3', 'U100', 'V0', 'V1', 'V4', 'V16']:",
            "    for o in ['', '<', '>', '|', '=']:",
            "        tryadd(o + c)",
            "for n in ['bool', 'int8', 'uint64', 'float16', 'float64', 'longdouble', 'complex64', 'clongdouble',"
                    + " 'object', 'bytes', 'str', 'void', 'intp', 'uintc', 'half', 'single', 'double']:",
            "    add(n)",
            // every datetime and timedelta unit, generic, with counts, both orders
            "for k in ['M8', 'm8']:",
            "    add(k); add('>' + k)",
            "    for u in ['Y', 'M', 'W', 'D', 'h', 'm', 's', 'ms', 'us', 'ns', 'ps', 'fs', 'as']:",
            "        add(k + '[' + u + ']'); add('>' + k + '[' + u + ']'); add(k + '[7' + u + ']')",
            "add('M8[25s]'); add('>m8[1000ns]')",
            // packed structs, all field kinds
            "fk = ['?', 'i1', 'u1', '<i2', '>u2', '<i4', '>i8', '<f2', '>f4', 'f8', 'g', 'c8', '>c16', 'S3', 'S0',"
                    + " '<U2', '>U1', 'V3', '<M8[s]', '>m8[10us]', 'M8', 'O', '>G']",
            "for f in fk:",
            "    add([('a', f)]); add([('x', 'u1'), ('y', f)]); add([('a', f), ('b', '?')], align=True)",
            "    add([('a', 'i1'), ('b', f), ('c', 'i1')], align=True); tryadd([('s', f, (2, 3))])",
            "add([('c', 'S2'), ('a', 'u1'), ('b', '?')])",
            "add([]); add([], align=True)",
            "add([('é', '<f8'), ('日本', '<c8'), (\"it's\", 'i1'), ('a\"b', 'i2'), ('', 'u1')])",
            "add([('a', 'i4'), ('b', 'f8')], align=True)",
            "add([('a', 'i1'), ('b', 'i8'), ('c', 'f2', (3,)), ('d', 'U1')], align=True)",
            "add([('a', 'f8'), ('b', 'i1')], align=True)",
            // padded, reordered, overlapping and sized structs: the dict form
            "add({'names': ['a', 'b'], 'formats': ['i1', 'i8'], 'offsets': [0, 8]})",
            "add({'names': ['a', 'b'], 'formats': ['i1', 'i8'], 'offsets': [8, 0]})",
            "add({'names': ['a', 'b'], 'formats': ['i4', 'i2'], 'offsets': [0, 0]})",
            "add({'names': ['a'], 'formats': ['u1'], 'offsets': [3], 'itemsize': 8})",
            "add({'names': ['a', 'b'], 'formats': ['<i4', '>f8'], 'itemsize': 16})",
            "add({'names': [], 'formats': [], 'itemsize': 8})",
            "add({'names': ['a', 'b'], 'formats': ['i1', 'i8'], 'offsets': [0, 4], 'titles': ['x', None]})",
            "add({'names': ['a', 'b'], 'formats': ['i1', ('f4', (2,))], 'offsets': [0, 4], 'titles': ['T', 'U']})",
            "add({'names': ['a', 'b'], 'formats': ['i1', 'i8'], 'offsets': [0, 4]}, align=False)",
            "add({'names': ['a', 'b'], 'formats': ['i1', 'i8'], 'offsets': [0, 16], 'itemsize': 32}, align=True)",
            "add({'names': ['a', 'b'], 'formats': ['i1', 'i4'], 'itemsize': 12}, align=True)",
            "add({'names': ['a', 'b'], 'formats': ['i1', 'i8'], 'offsets': [0, 1], 'itemsize': 9})",
            "add({'names': ['x'], 'formats': [[('p', 'i1'), ('q', 'i8')]], 'offsets': [2]})",
            // titles in list form
            "add([(('title', 'n'), '<i4')]); add([(('t1', 'a'), 'i1'), ('b', 'f8'), (('t3', 'c'), 'S2', (2,))])",
            "add([(('t', 'a'), 'i1'), ('b', 'i8')], align=True)",
            // nested structs, subarray fields, aligned and not
            "inner = np.dtype([('q', 'i2'), ('r', 'S3')])",
            "ainner = np.dtype([('q', 'i1'), ('r', 'i8')], align=True)",
            "pinner = np.dtype({'names': ['q'], 'formats': ['i4'], 'offsets': [4], 'itemsize': 12})",
            "for t in [inner, ainner, pinner]:",
            "    add([('p', t), ('s', '<f4', (2, 3))]); add([('p', t), ('s', 'i1')], align=True)",
            "    add([('a', 'i1'), ('p', t, (2,))]); add([('a', 'i1'), ('p', t, (2,))], align=True)",
            "    add([('n', [('m', t), ('z', '>u8')])]); add((t, (3,))); add((t, (2, 2)))",
            "    add({'names': ['p', 'a'], 'formats': [t, 'u1'], 'offsets': [1, 0], 'itemsize': 40})",
            "add([('a', [('b', [('c', '>M8[us]')])]), ('d', '|b1', (1, 2, 3))])",
            "add([('a', 'i1'), ('b', [('c', 'i1'), ('d', 'i4')])], align=True)",
            "add([('a', '<U1', (2,)), ('b', 'S2', (1,)), ('c', 'f8', (0,))])",
            "add([('a', [('b', 'i1'), ('c', 'i8')], (2,)), ('d', 'i2')], align=True)",
            // record (numpy.record) types: np.dtype((np.record, ...)) and what np.rec makes
            "add((np.record, [('x', '<i8'), ('y', '<f8')])); add((np.record, [('x', 'i1'), ('y', 'i8')]))",
            "add((np.record, 'V8')); add((np.record, [('a', 'i1'), ('b', 'i8')]), align=True)",
            "add((np.record, {'names': ['a'], 'formats': ['u1'], 'offsets': [2], 'itemsize': 4}))",
            "add((np.record, [('t', inner), ('u', '>f4', (2,))]))",
            "D.append(np.rec.fromarrays([np.arange(3), np.ones(3)], names='x,y').dtype)",
            "D.append(np.rec.array([(1, 2.0, b'ab')], dtype=[('a', 'i1'), ('b', '>f8'), ('c', 'S2')]).dtype)",
            "D.append(np.rec.fromrecords([(1, 'x')], names='n,s').dtype)",
            "D.append(np.dtype([('x', 'i1'), ('y', 'i8')]).newbyteorder('>'))",
            "D.append(np.dtype((np.record, [('x', 'i2'), ('y', inner)])).newbyteorder('>'))",
            // top-level subarrays
            "for b in ['f4', '>f4', 'i1', '?', 'S3', '<U2', 'V2', 'M8[ns]', 'O', 'c16', 'g']:",
            "    tryadd((b, (2, 3))); tryadd((b, 4)); tryadd((b, (1,)))",
            "add(('i4', (2, 0)))",
            // subarrays of subarrays, which numpy 2 keeps nested: on their own, 3 levels deep, in fields
            "def nest(b, *shapes):",
            "    d = np.dtype(b)",
            "    for s in shapes: d = np.dtype((d, s))",
            "    return d",
            "for b in ['i4', '>f8', '?', 'S3', '<U2', 'V2', 'M8[ns]', '>m8[3s]', 'O', 'c16', inner, ainner, pinner]:",
            "    D.append(nest(b, (2,), (3,))); D.append(nest(b, 2, (1, 2), (3, 0)))",
            "    add([('a', nest(b, 2, 3)), ('b', 'i1')]); add([('a', 'i1'), ('b', nest(b, (2,), (2,)), (2,))], align=True)",
            "    add({'names': ['s'], 'formats': [nest(b, 2, 2)], 'offsets': [4], 'itemsize': 200})",
            "add(('(2,)i4', (3,))); add([(('t', 'a'), ('(2,)i4', (3,)))]); add([('n', [('m', ('(2,)<f4', (2,)))], (2,))])",
            "add((np.record, [('a', ('(2,)i4', (3,)))])); D.append(nest('>i2', 2, 3).newbyteorder('<'))",
            // what Brine compares: the repr, the dtype's pickle, and (numpy-describable types only)
            // an .npy file of it and the repr of the dtype np.load gives back
            "for i, d in enumerate(D):",
            "    p = pickle.dumps(d, i % 6)",
            "    npy = back = '-'",
            "    try:",
            "        b = io.BytesIO(); np.save(b, np.zeros(0, d), allow_pickle=False); npy = b.getvalue().hex()",
            "        b.seek(0); back = repr(np.load(b).dtype)",
            // object dtypes need pickled data; overlapping or out-of-order fields have no descr
            "    except ValueError: pass",
            "    print(repr(d), p.hex(), npy, back, sep='\\t')");

    @Test
    void reprMatchesNumpyForDTypesFromPicklesAndNpyHeaders() throws IOException {
        Python.require("numpy");
        String out = new String(Python.check(ORACLE, new byte[0]), StandardCharsets.UTF_8);
        String[] lines = out.split("\n");
        int pickled = 0;
        int fromNpy = 0;
        HexFormat hex = HexFormat.of();
        for (String line : lines) {
            String[] parts = line.split("\t", -1);
            assertEquals(4, parts.length, line);
            DType d = (DType) Pickle.loads(hex.parseHex(parts[1]));
            assertEquals(parts[0], d.toString(), "pickled dtype");
            pickled++;
            if (!parts[2].equals("-")) {
                DType h = Npy.readHeader(new ByteArrayInputStream(hex.parseHex(parts[2])), Limits.DEFAULT).dtype();
                assertEquals(parts[3], h.toString(), "dtype of an .npy file with dtype " + parts[0]);
                fromNpy++;
            }
        }
        assertTrue(pickled >= 530, "compared only " + pickled + " pickled dtypes");
        assertTrue(fromNpy >= 500, "compared only " + fromNpy + " .npy dtypes");
        System.out.println("DTypeReprOracleTest: " + pickled + " pickled dtypes, " + fromNpy + " from .npy headers");
    }
}
