package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.mapping.ClassRegistry;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.DateTimeUnit;
import dev.brine.ndarray.NDArray;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which strings and bytes numpy's pickles of dtypes share, and which they build afresh: numpy's
 * {@code dtype.__reduce__} makes a new type string ({@code 'M8'}, {@code 'f8'}, {@code 'S3'}) on every
 * call, so two datetime64 dtypes write {@code 'M8'} twice, in full; while the one-character strings and
 * bytes (the byte order {@code '<'}, a datetime unit {@code b's'}, the one byte of an int8 scalar or array)
 * are CPython's cached singletons, written once and then as a memo GET. numpy's pickles of every dtype
 * kind, two or more in one pickle, must load in Brine and dump back byte for byte at protocols 0 to 5.
 */
class DTypeStringIdentityDifferentialTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final ClassRegistry NUMPY2 =
            NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY2, true).build();

    private static final List<String> CASES = List.of(
            // the finding: datetime64/timedelta64 dtypes, arrays and scalars, two or more in one pickle
            "[np.zeros(1, 'M8[ns]'), np.zeros(1, 'M8[s]')]",
            "[np.zeros(2, 'm8[ns]'), np.zeros(2, 'm8[us]'), np.zeros(2, 'M8[ns]')]",
            "[np.dtype('M8[ns]'), np.dtype('M8[ns]')]",
            "[np.dtype('M8[s]'), np.dtype('m8[s]'), np.dtype('M8[3s]'), np.dtype('M8[D]'), np.dtype('m8[D]')]",
            "[np.dtype('M8'), np.dtype('m8'), np.dtype('M8'), np.dtype('M8[Y]'), np.dtype('m8[M]'), np.dtype('M8[W]')]",
            "[np.dtype('M8[h]'), np.dtype('m8[m]'), np.dtype('M8[ms]'), np.dtype('m8[ps]'), np.dtype('M8[fs]'), np.dtype('m8[as]')]",
            "[np.datetime64(1, 'D'), np.zeros(1, 'M8[D]')]",
            "[np.datetime64(1, 's'), np.timedelta64(2, 's'), np.datetime64('NaT'), np.timedelta64('NaT')]",
            "[np.datetime64('2020-01-01T00:00:00.000000001'), np.datetime64('2021-06-01T12:00:00.000000001')]",
            "[np.dtype('<M8[s]'), np.dtype('>M8[s]'), np.dtype('>m8[ns]')]",
            "np.dtype([('a', 'M8[s]'), ('b', 'M8[s]'), ('c', 'm8[ns]'), ('d', 'm8[ns]')])",
            "np.zeros(2, [('a', 'M8[s]'), ('b', ('m8[s]', (2,))), ('c', [('d', 'M8[D]')])])",
            "[np.dtype(('M8[s]', (2,))), np.dtype(('m8[s]', (2,))), np.dtype(('M8[s]', (3,)))]",
            "np.dtype((np.record, [('t', 'M8[s]'), ('u', 'm8[s]')]))",
            "np.zeros(2, [('t', 'M8[s]'), ('u', 'm8[s]')]).view(np.recarray)",
            // every other kind: builtin dtypes are singletons (reduced once), others are separate objects
            "[np.dtype(c) for c in '?bBhHiIlLqQefdgFDGO']",
            "[np.dtype(c) for c in '?bBhHiIlLqQefdgFDGO'] * 2",
            "[np.dtype('<i4'), np.dtype('>i4'), np.dtype('>i4'), np.dtype('=i4'), np.dtype('|i1'), np.dtype('>f8'), np.dtype('>c16')]",
            "[np.dtype('S3'), np.dtype('S3'), np.dtype('U3'), np.dtype('U3'), np.dtype('V3'), np.dtype('V3'), np.dtype('S1'), np.dtype('U1')]",
            "[np.dtype('S'), np.dtype('U'), np.dtype('V'), np.dtype('>U2'), np.dtype('<U2')]",
            "[np.dtype([('x', '<f4'), ('y', '<f4')]), np.dtype([('x', '<f4'), ('y', '<f4')])]",
            "np.dtype([('a', 'i1'), ('b', '>f8'), ('c', '<U2'), ('d', 'S2'), ('e', 'V2')], align=True)",
            "[np.dtype('f8', metadata={'a': 1}), np.dtype('f8', metadata={'a': 1}), np.dtype('M8[s]', metadata={'k': 'v'})]",
            // scalars of every kind, and one-byte data (CPython's cached one-byte bytes)
            "[np.bool_(True), np.int8(1), np.int8(1), np.uint8(1), np.int16(1), np.int32(1), np.int64(1), np.uint64(1)]",
            "[np.float16(1), np.float32(1), np.float64(1.5), np.longdouble(1), np.complex64(1j), np.complex128(1j), np.clongdouble(1j)]",
            "[np.str_('ab'), np.str_('ab'), np.bytes_(b'ab'), np.bytes_(b'a'), np.void(b'ab'), np.void(b'a')]",
            "[np.zeros(1, 'i1'), np.zeros(1, 'u1'), np.zeros(1, '?'), np.zeros(1, 'S1'), np.ones(1, 'i1')]",
            "[np.zeros(2, 'f8'), np.zeros(2, 'f4'), np.zeros(2, 'O'), np.zeros(2, 'U1'), np.zeros(0), np.zeros(0, 'i1'), np.void(b'')]",
            // one-byte data and one-letter units are CPython's cached bytes objects: shared across kinds
            "[np.int8(115), np.dtype('M8[s]'), np.zeros(1, 'u1') + 115, np.bytes_(b's'), np.int8(98), np.zeros(1, 'f8'), np.int8(124)]");

    @Test
    void numpysPicklesOfEveryDtypeKindDumpBackByteForByte() throws IOException {
        Python.require("numpy");
        List<String> numpy = Python.eachLine("import numpy as np, pickle",
                "'|'.join(pickle.dumps(eval(line), p).hex() for p in range(6))", null, CASES);
        UnpicklerOptions read = UnpicklerOptions.builder().registry(NUMPY2).genericObjects(true).build();
        StringBuilder differences = new StringBuilder();
        for (int i = 0; i < CASES.size(); i++) {
            String[] pickles = numpy.get(i).split("\\|");
            for (int p = 0; p < pickles.length; p++) {
                Object loaded = Pickle.loads(HEX.parseHex(pickles[p]), read);
                String brine = HEX.formatHex(Pickle.dumps(loaded, PicklerOptions.builder().registry(NUMPY2).protocol(p).build()));
                if (!brine.equals(pickles[p])) {
                    differences.append(CASES.get(i)).append(" protocol ").append(p).append("\n  numpy ").append(pickles[p])
                            .append("\n  brine ").append(brine).append('\n');
                }
            }
        }
        assertEquals("", differences.toString());
    }

    /**
     * The same from Java: datetime dtypes, arrays and scalars that a Java program builds (each
     * {@code DType.datetime64} call a new type, as each {@code np.dtype('M8[ns]')} is in numpy) pickle
     * as numpy pickles the same values, at every protocol.
     */
    @Test
    void javaBuiltDatetimeValuesPickleAsNumpysDo() throws IOException {
        Python.require("numpy");
        DateTimeUnit ns = DateTimeUnit.NANOSECOND;
        DateTimeUnit s = DateTimeUnit.SECOND;
        List<Object> values = List.of(
                List.of(NDArray.zeros(DType.datetime64(ns, 1), 1), NDArray.zeros(DType.datetime64(s, 1), 1)),
                List.of(DType.datetime64(s, 1), DType.timedelta64(s, 1), DType.datetime64(s, 1), DType.timedelta64(ns, 1)),
                List.of(NumpyScalar.of(DType.datetime64(s, 1), 5L), NDArray.zeros(DType.timedelta64(s, 1), 2),
                        NumpyScalar.of(DType.INT8, 115L), NDArray.zeros(DType.UINT8, 1), NumpyScalar.of(DType.UINT8, 0L)));
        List<String> expressions = List.of(
                "[np.zeros(1, 'M8[ns]'), np.zeros(1, 'M8[s]')]",
                "[np.dtype('M8[s]'), np.dtype('m8[s]'), np.dtype('M8[s]'), np.dtype('m8[ns]')]",
                "[np.datetime64(5, 's'), np.zeros(2, 'm8[s]'), np.int8(115), np.zeros(1, 'u1'), np.uint8(0)]");
        List<String> numpy = Python.eachLine("import numpy as np, pickle",
                "'|'.join(pickle.dumps(eval(line), p).hex() for p in range(6))", null, expressions);
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String[] pickles = numpy.get(i).split("\\|");
            for (int p = 0; p < pickles.length; p++) {
                String brine = HEX.formatHex(Pickle.dumps(values.get(i), PicklerOptions.builder().registry(NUMPY2).protocol(p).build()));
                if (!brine.equals(pickles[p])) {
                    differences.add(expressions.get(i) + " protocol " + p + "\n  numpy " + pickles[p] + "\n  brine " + brine);
                }
            }
        }
        assertEquals(List.of(), differences);
    }
}
