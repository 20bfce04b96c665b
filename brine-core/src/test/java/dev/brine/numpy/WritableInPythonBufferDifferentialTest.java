package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.ndarray.NDArray;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.PickleBuffer;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Protocol 5's out-of-band buffers behind numpy's {@code _frombuffer}, given as each kind of PickleBuffer. numpy's
 * array is a view of the buffer, read-only when the buffer is (CPython given bytes), writable when it is not (given a
 * bytearray). {@link PickleBuffer#writableInPython} over read-only bytes (a read-only mapping) stands for a writable
 * object that Java must never write into: the array is a writable copy, equal to numpy's, and written back as numpy
 * writes a writable array.
 */
class WritableInPythonBufferDifferentialTest {
    /** The pickle, its buffer, and for the buffer given as bytes and as a bytearray: the values, writeable, in-band re-dump. */
    private static final String SCRIPT = String.join("\n",
            "import pickle, numpy as np",
            "bufs = []",
            "d = pickle.dumps(np.arange(4, dtype='<f8'), protocol=5, buffer_callback=bufs.append)",
            "raw = bytes(bufs[0].raw())",
            "print(d.hex()); print(raw.hex())",
            "for given in (raw, bytearray(raw)):",
            "    a = pickle.loads(d, buffers=[given])",
            "    print(a.tobytes().hex(), a.flags.writeable)");

    /** What CPython loads from Brine's in-band re-dump (argv[1], hex): the values, and whether they are writeable. */
    private static final String RELOAD = String.join("\n",
            "import pickle, sys",
            "a = pickle.loads(bytes.fromhex(sys.argv[1]))",
            "print(a.tobytes().hex(), a.flags.writeable)");

    private static String cpythonReload(NDArray a) throws IOException {
        return new String(Python.check(RELOAD, new byte[0], HexFormat.of().formatHex(Pickle.dumps(a, 5))),
                java.nio.charset.StandardCharsets.UTF_8).strip();
    }

    @Test
    void eachKindOfBufferLoadsAsNumpyGivesIt() throws IOException {
        Python.require("numpy");
        String[] lines = Python.checkText(SCRIPT).strip().split("\n");
        byte[] pickle = HexFormat.of().parseHex(lines[0]);
        byte[] raw = HexFormat.of().parseHex(lines[1]);
        String asBytes = lines[2];
        String asBytearray = lines[3];
        assertTrue(asBytes.endsWith(" False") && asBytearray.endsWith(" True"), asBytes + " / " + asBytearray);

        // read-only bytes, as CPython given bytes: a read-only view
        ByteBuffer readOnly = ByteBuffer.wrap(raw.clone()).asReadOnlyBuffer();
        NDArray view = load(pickle, new PickleBuffer(readOnly, false));
        assertTrue(view.isReadOnly());
        assertEquals(asBytes, HexFormat.of().formatHex(view.rawBytes()) + " False");
        assertEquals(asBytes, cpythonReload(view));

        // writable in Python over the same read-only bytes: a writable array, as CPython given a bytearray
        NDArray copy = load(pickle, PickleBuffer.writableInPython(readOnly));
        assertFalse(copy.isReadOnly());
        assertEquals(asBytearray, HexFormat.of().formatHex(copy.rawBytes()) + " True");
        assertEquals(asBytearray, cpythonReload(copy));
        copy.setDouble(42, 0);
        assertArrayEquals(raw, bytesOf(readOnly), "the read-only bytes are never written");

        // writable in Python over writable bytes: a view, as numpy's of a bytearray (a write shows through)
        byte[] shared = raw.clone();
        NDArray writableView = load(pickle, PickleBuffer.writableInPython(ByteBuffer.wrap(shared)));
        assertFalse(writableView.isReadOnly());
        assertEquals(asBytearray, cpythonReload(writableView));
        writableView.setDouble(42, 0);
        assertEquals(42.0, ByteBuffer.wrap(shared).order(java.nio.ByteOrder.LITTLE_ENDIAN).getDouble(0));
    }

    private static NDArray load(byte[] pickle, PickleBuffer buffer) throws IOException {
        return (NDArray) new Unpickler(pickle, UnpicklerOptions.DEFAULT, List.of(buffer)).load();
    }

    private static byte[] bytesOf(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
