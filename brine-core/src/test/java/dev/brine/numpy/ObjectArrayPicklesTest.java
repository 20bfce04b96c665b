package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.brine.mapping.ClassRegistry;
import dev.brine.ndarray.DType;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Arrays whose dtype holds objects, read when object arrays are allowed: plain {@code object}, and
 * structured types with an object field, whose dtype the array keeps (it was written back as
 * {@code object} once), so that numpy's pickles dump back byte for byte at every protocol.
 */
class ObjectArrayPicklesTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final ClassRegistry NUMPY2 = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(),
            NumpyNames.NUMPY2, true).build();

    private static final List<String> CASES = List.of(
            "np.array([1, 'x', None, 2.5], dtype=object)",
            "np.array([(1, 'x'), (2, None)], dtype=[('a', '<i4'), ('o', 'O')])",
            "np.array([[(1, [2]), (3, {})]], dtype=np.dtype([('a', 'u1'), ('o', 'O')], align=True), order='F')",
            "np.zeros(2, dtype=[('a', '<f8'), ('s', [('o', 'O'), ('b', '>i2')])])",
            "np.zeros(1, dtype=[('o', 'O', (2,))])");

    /** A pickle whose item list does not match its shape (numpy itself crashes on it): a BrineException. */
    @Test
    void itemsThatDoNotFillTheShapeAreRefused() throws IOException {
        Python.require("numpy");
        byte[] bad = Python.check(String.join("\n",
                "import sys, pickle, numpy as np",
                "from numpy._core.multiarray import _reconstruct",
                "class Bad:",
                "    def __reduce__(self):",
                "        return (_reconstruct, (np.ndarray, (0,), b'b'), (1, (5,), np.dtype(object), False, [1]))",
                "sys.stdout.buffer.write(pickle.dumps(Bad(), 2))"), new byte[0]);
        dev.brine.BrineException e = org.junit.jupiter.api.Assertions.assertThrows(dev.brine.BrineException.class,
                () -> Pickle.loads(bad, UnpicklerOptions.builder().registry(NUMPY2).build()));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("holds 5 items, but its pickle lists 1"), e.getMessage());
    }

    /**
     * The items are live for assignment, as a numpy array's are, but keep the shape's count: a pickle of a shape (2,)
     * array with no items made numpy's reader crash (SIGSEGV), one with a third item lost it in numpy.
     */
    @Test
    void itemsMayBeReplacedButNotAddedOrRemoved() throws IOException {
        Python.require("numpy");
        ObjectArray a = new ObjectArray(new long[] {2}, List.of(1L, "x"), false);
        assertThrows(UnsupportedOperationException.class, () -> a.items().clear());
        assertThrows(UnsupportedOperationException.class, () -> a.items().add(3L));
        a.items().set(1, "y");
        byte[] pickle = Pickle.dumps(a, PicklerOptions.builder().registry(NUMPY2).build());
        String numpy = new String(Python.check("import sys, pickle\nprint(pickle.loads(sys.stdin.buffer.read()).tolist())",
                pickle), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertEquals("[1, 'y']", numpy);
    }

    @Test
    void numpysPicklesOfArraysHoldingObjectsDumpBackByteForByte() throws IOException {
        Python.require("numpy");
        List<String> numpy = Python.eachLine("import numpy as np, pickle",
                "'|'.join(pickle.dumps(eval(line), p).hex() for p in range(6))", null, CASES);
        UnpicklerOptions read = UnpicklerOptions.builder().registry(NUMPY2).build();
        PicklerOptions write = PicklerOptions.builder().registry(NUMPY2).build();
        StringBuilder differences = new StringBuilder();
        for (int i = 0; i < CASES.size(); i++) {
            String[] pickles = numpy.get(i).split("\\|");
            for (int p = 0; p < pickles.length; p++) {
                ObjectArray a = assertInstanceOf(ObjectArray.class, Pickle.loads(HEX.parseHex(pickles[p]), read));
                if (i == 1) {
                    assertEquals(List.of("a", "o"), a.dtype().names());
                }
                String brine = HEX.formatHex(Pickle.dumps(a, write.withProtocol(p)));
                if (!brine.equals(pickles[p])) {
                    differences.append(CASES.get(i)).append(" protocol ").append(p).append("\n  numpy ").append(pickles[p])
                            .append("\n  brine ").append(brine).append('\n');
                }
            }
        }
        assertEquals("", differences.toString());
    }

    @Test
    void anObjectArrayNeedsADtypeThatHoldsObjects() {
        assertEquals(DType.OBJECT, new ObjectArray(new long[] {0}, List.of(), false).dtype());
        assertThrows(IllegalArgumentException.class, () -> new ObjectArray(DType.INT32, new long[] {0}, List.of(), false));
    }
}
