package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * READONLY_BUFFER on in-band bytes, which only hand-made pickles have (CPython writes it after NEXT_BUFFER): bytes are
 * read-only already, so CPython leaves the very object on the stack, and a memo reference to it is the same object.
 * Brine keeps it a {@code byte[]} with its identity, and writes back what CPython writes for what it loaded.
 */
class ReadonlyBufferDifferentialTest {
    @Test
    void readOnlyBytesStayTheSameBytesObject() throws IOException {
        Python.require();
        // PROTO 5, SHORT_BINBYTES b'abc', MEMOIZE, READONLY_BUFFER, BINGET 0, TUPLE2, STOP
        byte[] pickle = HexFormat.of().parseHex("8005430361626394986800" + "862e");
        String cpython = Python.checkText(String.join("\n",
                "import pickle",
                "t = pickle.loads(bytes.fromhex('" + HexFormat.of().formatHex(pickle) + "'))",
                "print(type(t[0]).__name__, t[0] is t[1], pickle.dumps(t, 5).hex())")).strip();
        Tuple t = (Tuple) Pickle.loads(pickle);
        assertSame(t.get(0), t.get(1));
        assertEquals(cpython, (t.get(0) instanceof byte[] ? "bytes" : t.get(0).getClass().getSimpleName())
                + " True " + HexFormat.of().formatHex(Pickle.dumps(t, 5)));
    }
}
