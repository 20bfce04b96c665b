package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.mapping.ClassRegistry;
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
 * {@code numpy.dtype(typestr, False, True)} with no BUILD after it: numpy always writes the BUILD, but
 * the dtype is whole without it, and CPython with numpy loads such a pickle (the plain dtype of the type
 * string), alone or inside a scalar, an array's state or {@code _frombuffer}. Brine loads them to what
 * numpy loads: the oracle is numpy's re-dump of what it loaded. Messages name Python objects, never
 * Java classes, and a scalar's too short payload is refused with CPython's words.
 */
class DTypeWithoutBuildDifferentialTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final ClassRegistry NUMPY2 =
            NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY2, false).build();

    /** Classes whose __reduce__ give numpy's callables without the dtype's BUILD. */
    private static final String SETUP = String.join("\n",
            "import numpy as np, pickle",
            "from numpy._core import multiarray, numeric",
            "class D:",
            "    def __init__(self, t): self.t = t",
            "    def __reduce__(self): return (np.dtype, (self.t, False, True))",
            "class R:",
            "    def __reduce__(self): return (np.dtype, (np.record, False, True))",
            "class S:",
            "    def __init__(self, t, raw): self.t, self.raw = t, raw",
            "    def __reduce__(self): return (multiarray.scalar, (D(self.t), self.raw))",
            "class A:",
            "    def __init__(self, t, raw): self.t, self.raw = t, raw",
            "    def __reduce__(self): return (multiarray._reconstruct, (np.ndarray, (0,), b'b'), (1, (2,), D(self.t), False, self.raw))",
            "class F:",
            "    def __init__(self, t, raw): self.t, self.raw = t, raw",
            "    def __reduce__(self): return (numeric._frombuffer, (bytearray(self.raw), D(self.t), (2,), 'C'))",
            "def case(expr):",
            "    crafted = pickle.dumps(eval(expr), 2)",
            "    return crafted.hex() + ' ' + pickle.dumps(pickle.loads(crafted), 2).hex()");

    private static final List<String> CASES = List.of(
            "D('f8')", "D('i1')", "D('b1')", "D('u8')", "D('c16')", "D('f16')", "D('O8')", "D('M8')", "D('m8')",
            "D('U8')", "D('S3')", "D('V8')", "R()",
            "[D('f8'), D('f8'), D('i4')]",
            "S('f8', b'\\x00\\x00\\x00\\x00\\x00\\x00\\xf8?')",
            "S('f8', b'\\x00\\x00\\x00\\x00\\x00\\x00\\xf8?\\x01\\x02')",
            "S('i1', b'\\x07')", "S('U2', 'ab'.encode('utf-32-le'))",
            "A('<i4', bytes(range(8)))", "A('f8', bytes(16))",
            "F('<i4', bytes(range(8)))", "F('u1', b'xy')");

    @Test
    void dtypesWithoutTheirBuildLoadAsInNumpy() throws IOException {
        Python.require("numpy");
        List<String> numpy = Python.eachLine(SETUP, "case(line)", null, CASES);
        UnpicklerOptions read = UnpicklerOptions.builder().registry(NUMPY2).build();
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < CASES.size(); i++) {
            String[] pair = numpy.get(i).split(" ");
            Object loaded = Pickle.loads(HEX.parseHex(pair[0]), read);
            String brine = HEX.formatHex(Pickle.dumps(loaded, PicklerOptions.builder().registry(NUMPY2).protocol(2).build()));
            if (!brine.equals(pair[1])) {
                differences.add(CASES.get(i) + "\n  numpy " + pair[1] + "\n  brine " + brine);
            }
        }
        assertEquals(List.of(), differences);
    }

    @Test
    void aScalarPayloadTooShortIsRefusedWithCPythonsWords() throws IOException {
        Python.require("numpy");
        String setup = SETUP + "\n" + String.join("\n",
                "def refusal(crafted):",
                "    try:",
                "        pickle.loads(crafted)",
                "    except ValueError as e:",
                "        return str(e)",
                "    return 'loaded'");
        String[] numpy = Python.eachLine(setup, "(lambda c: c.hex() + ' ' + refusal(c))(pickle.dumps(eval(line), 2))", null,
                List.of("S('f8', b'\\x00\\x00\\x00\\x00')")).get(0).split(" ", 2);
        assertEquals("initialization string is too small", numpy[1]);
        BrineException e = assertThrows(BrineException.class,
                () -> Pickle.loads(HEX.parseHex(numpy[0]), UnpicklerOptions.builder().registry(NUMPY2).build()));
        assertTrue(e.getMessage().contains(": " + numpy[1] + ": a float64 scalar takes 8 bytes, the pickle gives 4"),
                e.getMessage());
    }

    @Test
    void messagesNameWhatPythonWouldNeverAJavaClass() throws IOException {
        Python.require("numpy");
        // scalar() given an array that has not had its BUILD: numpy refuses it too (not a dtype)
        String setup = SETUP + "\n" + String.join("\n",
                "class U:",
                "    def __reduce__(self): return (multiarray._reconstruct, (np.ndarray, (0,), b'b'))",
                "class BadScalar:",
                "    def __reduce__(self): return (multiarray.scalar, (U(), b'12345678'))");
        List<String> numpy = Python.eachLine(setup, "pickle.loads(pickle.dumps(eval(line), 2))", "TypeError",
                List.of("BadScalar()"));
        assertEquals("-", numpy.get(0));
        byte[] crafted = HEX.parseHex(Python.eachLine(setup, "pickle.dumps(eval(line), 2).hex()", null,
                List.of("BadScalar()")).get(0));
        BrineException e = assertThrows(BrineException.class,
                () -> Pickle.loads(crafted, UnpicklerOptions.builder().registry(NUMPY2).build()));
        assertTrue(e.getMessage().contains("expects (dtype, bytes), got (numpy.ndarray (before its BUILD), b'12345678')"),
                e.getMessage());
        assertFalse(e.getMessage().contains("dev.brine") || e.getMessage().contains("$$Lambda"), e.getMessage());
    }
}
