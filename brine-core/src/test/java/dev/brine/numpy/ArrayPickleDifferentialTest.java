package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.mapping.ClassRegistry;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Arrays of every dtype Brine writes, pickled by numpy 2 and by Brine (numpy 2 names): the bytes must
 * be the same at protocols 0 to 5, and at protocol 5 also with a buffer callback, whether it takes
 * the buffers out of band or leaves them in band. At protocol 5 numpy writes {@code _frombuffer}
 * only for arrays that can export a buffer with items of non-zero size; datetime64/timedelta64
 * (anywhere in the type), big-endian long doubles and zero-size items fall back to
 * {@code _reconstruct} in band, with no buffer offered to the callback.
 */
class ArrayPickleDifferentialTest {
    private static final HexFormat HEX = HexFormat.of();

    /** numpy dtype expressions (Python source); each is pickled in C and F order and as a vector. */
    private static final List<String> DTYPES = List.of(
            "'|b1'", "'|i1'", "'|u1'", "'<i2'", "'>i2'", "'<i4'", "'>i4'", "'<i8'", "'>i8'", "'<u2'", "'>u4'", "'<u8'",
            "'<f2'", "'>f2'", "'<f4'", "'>f4'", "'<f8'", "'>f8'", "'<f16'", "'>f16'", "'<c8'", "'>c8'", "'<c16'",
            "'>c16'", "'<c32'", "'>c32'", "'|S7'", "'<U5'", "'>U5'", "'|V3'",
            "'<M8[ns]'", "'>M8[s]'", "'<M8[D]'", "'<M8[3h]'", "'<m8[s]'", "'>m8[us]'", "'<m8[ms]'",
            "'|V0'", "[]", "[('a', 'i1', (0,))]",
            "[('a', '<i4'), ('b', 'S3')]",
            "np.dtype([('a', 'i1'), ('b', '>f8'), ('c', '<U2')], align=True)",
            "[('p', [('q', '<i2'), ('r', 'S3')]), ('s', '<f4', (2, 3)), ('t', '<M8[ms]')]",
            "[('t', '<m8[ms]')]", "[('a', 'u1'), ('t', '<M8[s]', (2,))]", "[('a', '>f16')]", "[('a', 'u1'), ('b', '<f16')]",
            "{'names': ['x', 'y'], 'formats': ['u1', '<f4'], 'offsets': [0, 4], 'itemsize': 12}",
            // out of offset order, and overlapping: no buffer, so _reconstruct at protocol 5 too
            "{'names': ['x', 'y'], 'formats': ['u1', '<f4'], 'offsets': [8, 0], 'itemsize': 12}",
            "{'names': ['x', 'y'], 'formats': ['<i4', '<i2'], 'offsets': [0, 2]}",
            "[('t', [('x', 'u1'), ('y', 'u1')], (2,)), ('u', {'names': ['x', 'y'], 'formats': ['u1', 'u1'], 'offsets': [1, 0]})]",
            // subarrays of subarrays, which numpy 2 keeps nested
            "[('a', ('(2,)<i4', (3,))), ('b', np.dtype((np.dtype(('>f8', (2,))), (1, 2))))]",
            "np.dtype([('p', 'u1'), ('q', ('(2,)<i2', (3,)))], align=True)");

    private static final List<String> SHAPES = List.of("3\tC", "2,3\tC", "2,3\tF", "\tC", "0\tC");

    /** For a line "dtype TAB shape TAB order": the dtype's pickle, the raw bytes, then numpy's pickles. */
    private static final String SETUP = String.join("\n",
            "import numpy as np, pickle",
            "def case(line):",
            "    d, shape, order = line.split('\\t')",
            "    dt = np.dtype(eval(d))",
            "    shape = tuple(int(x) for x in shape.split(',') if x)",
            "    a = np.zeros(shape, dt, order=order)",
            "    raw = bytes((i * 37 + 11) % 256 for i in range(a.nbytes))",
            "    if a.nbytes:  # writable, as arrays usually are: numpy writes their in-band buffers as bytearray",
            "        a = np.ndarray(shape, dt, buffer=bytearray(raw), order=order)",
            "    out = [pickle.dumps(dt, 2).hex(), a.tobytes(order='A').hex()]",
            "    out += [pickle.dumps(a, p).hex() for p in range(6)]",
            "    bufs = []",
            "    oob = pickle.dumps(a, 5, buffer_callback=lambda b: bufs.append(b.raw().tobytes()))",
            "    out.append('|'.join([oob.hex()] + [b.hex() for b in bufs]))",
            "    out.append(pickle.dumps(a, 5, buffer_callback=lambda b: True).hex())",
            "    return '\\t'.join(out)");

    @Test
    void brineWritesNumpysBytesForEveryDtypeAtEveryProtocol() throws Exception {
        Python.require("numpy");
        List<String> lines = new ArrayList<>();
        for (String d : DTYPES) {
            for (String s : SHAPES) {
                lines.add(d + "\t" + s);
            }
        }
        List<String> numpy = Python.eachLine(SETUP, "case(line)", null, lines);
        PicklerOptions base = PicklerOptions.builder()
                .registry(NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY2, false).build())
                .build();
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] in = lines.get(i).split("\t", -1);
            String[] expected = numpy.get(i).split("\t", -1);
            DType dtype = (DType) Pickle.loads(HEX.parseHex(expected[0]));
            NDArray a = NDArray.fromBytes(dtype, in[2].equals("F") ? Order.F : Order.C, HEX.parseHex(expected[1]),
                    shape(in[1]));
            List<String> brine = new ArrayList<>();
            for (int p = 0; p <= 5; p++) {
                brine.add(HEX.formatHex(Pickle.dumps(a, base.withProtocol(p))));
            }
            List<String> buffers = new ArrayList<>();
            buffers.add(HEX.formatHex(Pickle.dumps(a, base.toBuilder().protocol(5)
                    .bufferCallback(b -> buffers.add(HEX.formatHex(b.toByteArray()))).build())));
            // the pickle comes first, then the buffers in the order they were offered
            buffers.add(0, buffers.remove(buffers.size() - 1));
            brine.add(String.join("|", buffers));
            brine.add(HEX.formatHex(Pickle.dumps(a, base.toBuilder().protocol(5).bufferCallback(b -> false).build())));
            String[] names = {"p0", "p1", "p2", "p3", "p4", "p5", "p5 out of band", "p5 callback in band"};
            for (int k = 0; k < names.length; k++) {
                if (!expected[k + 2].equals(brine.get(k))) {
                    differences.add(lines.get(i).replace('\t', ' ') + " " + names[k] + "\n  numpy " + expected[k + 2]
                            + "\n  brine " + brine.get(k));
                }
            }
        }
        assertEquals("", String.join("\n", differences));
    }

    /**
     * numpy's protocol 5 pickles, in band, of writable arrays (their data a bytearray) and read-only ones
     * (bytes): Brine reads each writable or read-only as {@code pickle.loads} does, and writes it back to
     * numpy's bytes (a read-only array's data was written as a bytearray, and read back writable).
     */
    @Test
    void inBandArraysReadWritableOrReadOnlyAsNumpyReadsThemAndWriteBackTheSame() throws Exception {
        Python.require("numpy");
        List<String> lines = new ArrayList<>();
        for (String d : List.of("'<i8'", "'|u1'", "'>f4'", "'<c16'", "'|S3'", "[('a', '<i4'), ('b', 'S3')]")) {
            for (String shape : List.of("3\tC", "2,3\tF", "\tC")) {
                for (String writable : List.of("True", "False")) {
                    lines.add(d + "\t" + shape + "\t" + writable);
                }
            }
        }
        List<String> numpy = Python.eachLine(String.join("\n",
                "import numpy as np, pickle",
                "def case(line):",
                "    d, shape, order, writable = line.split('\\t')",
                "    shape = tuple(int(x) for x in shape.split(',') if x)",
                "    dt = np.dtype(eval(d))",
                "    raw = bytes((i * 37 + 11) % 256 for i in range(int(np.prod(shape)) * dt.itemsize))",
                "    a = np.ndarray(shape, dt, buffer=bytearray(raw), order=order)",
                "    a.flags.writeable = writable == 'True'",
                "    data = pickle.dumps(a, 5)",
                "    return data.hex() + '\\t' + str(pickle.loads(data).flags.writeable)"),
                "case(line)", null, lines);
        PicklerOptions options = PicklerOptions.builder().protocol(5)
                .registry(NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY2, false).build())
                .build();
        dev.brine.pickle.UnpicklerOptions reading = dev.brine.pickle.UnpicklerOptions.builder()
                .registry(options.registry()).build();
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] expected = numpy.get(i).split("\t");
            byte[] pickle = HEX.parseHex(expected[0]);
            NDArray a = (NDArray) Pickle.loads(pickle, reading);
            if (a.isReadOnly() == Boolean.parseBoolean(expected[1])) {
                differences.add(lines.get(i) + ": read-only " + a.isReadOnly() + ", numpy writeable " + expected[1]);
            }
            String again = HEX.formatHex(Pickle.dumps(a, options));
            if (!again.equals(expected[0])) {
                differences.add(lines.get(i) + "\n  numpy " + expected[0] + "\n  brine " + again);
            }
        }
        assertEquals("", String.join("\n", differences));
    }

    private static long[] shape(String s) {
        return s.isEmpty() ? new long[0] : java.util.Arrays.stream(s.split(",")).mapToLong(Long::parseLong).toArray();
    }
}
