package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.LimitExceededException;
import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import dev.brine.py.PickleBuffer;
import dev.brine.testing.Python;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Limits.maxAllocation bounds every bytes, str and text line a pickle makes the reader allocate, whatever the
 * width of its length (BINBYTES' 4 bytes as BINBYTES8's 8, a protocol-0 line as much as one without a newline),
 * and Limits.maxArrayElements every numpy array a pickle builds, as they bound .npy files. The pickles are
 * CPython's; under the defaults each loads to what CPython loads.
 */
class AllocationLimitsDifferentialTest {
    /** name, then the opcode that carries the 5000 bytes, then the pickle as hex and what CPython loads, as hex. */
    private static final String WRITE = String.join("\n",
            "import pickle",
            "cases = {",
            "  'SHORT_BINBYTES': (b'x' * 200, 3),",
            "  'SHORT_BINUNICODE': ('w' * 200, 4),",
            "  'BINBYTES': (b'x' * 5000, 3),",
            "  'BINUNICODE': ('y' * 5000, 3),",
            "  'UNICODE': ('y' * 5000, 0),",
            "  'LONG4': (1 << 40000, 2),",
            "  'BYTEARRAY8': (bytearray(b'z' * 5000), 5),",
            "}",
            "for name, (v, proto) in cases.items():",
            "    d = pickle.dumps(v, proto)",
            "    back = pickle.loads(d)",
            "    if isinstance(back, int):",
            "        back = format(back, 'x').encode()",
            "    elif isinstance(back, str):",
            "        back = back.encode()",
            "    print(name, d.hex(), bytes(back).hex())");

    private static final UnpicklerOptions DEFAULTS = UnpicklerOptions.DEFAULT;

    private static UnpicklerOptions maxAllocation(long n) {
        return UnpicklerOptions.builder().limits(Limits.DEFAULT.toBuilder().maxAllocation(n).build()).build();
    }

    private static UnpicklerOptions maxArrayElements(long n) {
        return UnpicklerOptions.builder().limits(Limits.DEFAULT.toBuilder().maxArrayElements(n).build()).build();
    }

    private static Map<String, byte[][]> cpythonCases() throws IOException {
        Map<String, byte[][]> cases = new LinkedHashMap<>();
        for (String line : Python.checkText(WRITE).strip().split("\n")) {
            String[] f = line.split(" ");
            cases.put(f[0], new byte[][] {HexFormat.of().parseHex(f[1]), HexFormat.of().parseHex(f[2])});
        }
        return cases;
    }

    /** What Brine loaded, as the bytes that CPython's value printed as. */
    private static byte[] asBytes(Object v) {
        if (v instanceof String) {
            return ((String) v).getBytes(StandardCharsets.UTF_8);
        }
        if (v instanceof BigInteger) {
            return ((BigInteger) v).toString(16).getBytes(StandardCharsets.US_ASCII);
        }
        if (v instanceof dev.brine.py.ByteArray) {
            return ((dev.brine.py.ByteArray) v).array();
        }
        return (byte[]) v;
    }

    @Test
    void everyLengthWidthIsBoundedByMaxAllocation() throws IOException {
        Python.require();
        Map<String, byte[][]> cases = cpythonCases();
        for (Map.Entry<String, byte[][]> c : cases.entrySet()) {
            String op = c.getKey();
            byte[] pickle = c.getValue()[0];
            assertArrayEquals(c.getValue()[1], asBytes(Pickle.loads(pickle, DEFAULTS)), op);
            long limit = op.startsWith("SHORT_") ? 100 : 1000;
            for (boolean stream : new boolean[] {false, true}) {
                LimitExceededException e = assertThrows(LimitExceededException.class, () -> {
                    if (stream) {
                        Pickle.load(new BufferedInputStream(new ByteArrayInputStream(pickle)), maxAllocation(limit));
                    } else {
                        Pickle.loads(pickle, maxAllocation(limit));
                    }
                }, op);
                assertEquals("maxAllocation", e.limit(), op);
                assertTrue(e.getMessage().startsWith(op + " "), e.getMessage());
                assertTrue(e.getMessage().contains(" at offset "), e.getMessage());
                assertTrue(e.getMessage().contains("more than the " + limit + " allowed"), e.getMessage());
            }
            // the limit is a bound, not a cut-off below it: the same pickle loads at the size it declares
            long size = op.equals("UNICODE") ? 5000 : op.equals("LONG4") ? 5001 : op.startsWith("SHORT_") ? 200 : 5000;
            assertArrayEquals(c.getValue()[1], asBytes(Pickle.loads(pickle, maxAllocation(size))), op);
        }
    }

    @Test
    void aProtocol0LineIsBoundedWhenItsNewlineIsAlreadyBuffered() throws IOException {
        Python.require();
        byte[] pickle = cpythonCases().get("UNICODE")[0];
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> Pickle.loads(pickle, maxAllocation(1000)));
        assertTrue(e.getMessage().startsWith("UNICODE at offset 0: the text argument at offset 1 is 5000 bytes long,"
                + " more than the 1000 allowed"), e.getMessage());
    }

    /** numpy arrays at protocols 2 (latin-1 str), 3 (bytes) and 5 (bytearray in band, and out of band). */
    private static final String ARRAYS = String.join("\n",
            "import pickle, numpy as np",
            "a = np.arange(5000, dtype='<f8')",
            "for proto in (2, 3, 5):",
            "    d = pickle.dumps(a, proto)",
            "    assert (pickle.loads(d) == a).all()",
            "    print(proto, d.hex(), a.tobytes().hex())",
            "bufs = []",
            "d = pickle.dumps(a, 5, buffer_callback=bufs.append)",
            "assert (pickle.loads(d, buffers=bufs) == a).all()",
            "print('oob', d.hex(), bytes(bufs[0].raw()).hex())");

    @Test
    void numpyArraysAreBoundedByBothLimits() throws IOException {
        Python.require("numpy");
        List<String[]> rows = new ArrayList<>();
        for (String line : Python.checkText(ARRAYS).strip().split("\n")) {
            rows.add(line.split(" "));
        }
        for (String[] row : rows) {
            byte[] pickle = HexFormat.of().parseHex(row[1]);
            byte[] data = HexFormat.of().parseHex(row[2]);
            boolean oob = row[0].equals("oob");
            List<PickleBuffer> buffers = oob ? List.of(PickleBuffer.of(data)) : null;
            NDArray a = assertInstanceOf(NDArray.class, new Unpickler(pickle, DEFAULTS, buffers).load(), row[0]);
            assertArrayEquals(data, a.rawBytes(), row[0]);
            assertArrayEquals(new long[] {5000}, a.shape(), row[0]);

            LimitExceededException elements = assertThrows(LimitExceededException.class,
                    () -> new Unpickler(pickle, maxArrayElements(100), buffers).load(), row[0]);
            assertEquals("maxArrayElements", elements.limit());
            assertTrue(elements.getMessage().contains("has 5000 elements, more than the 100 allowed"), elements.getMessage());
            assertTrue(elements.getMessage().contains("at offset "), elements.getMessage());
            assertEquals(5000, ((NDArray) new Unpickler(pickle, maxArrayElements(5000), buffers).load()).size());

            if (!oob) { // an out-of-band buffer is the caller's memory, not an allocation of the reader's
                LimitExceededException bytes = assertThrows(LimitExceededException.class,
                        () -> Pickle.loads(pickle, maxAllocation(1000)), row[0]);
                assertEquals("maxAllocation", bytes.limit());
                // 40000 bytes of data; at protocol 2 numpy's latin-1 str of them, longer in UTF-8
                assertTrue(bytes.getMessage().matches("(BINBYTES|BINUNICODE|BYTEARRAY8) declares [0-9]+ bytes at offset"
                        + " [0-9]+, more than the 1000 allowed.*"), bytes.getMessage());
            }
        }
    }
}
