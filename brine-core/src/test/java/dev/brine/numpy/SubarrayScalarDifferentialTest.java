package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.brine.pickle.Pickle;
import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A numpy scalar of a subarray dtype (a hand-made {@code scalar(dtype(('i1', (2,))), b'\x01\x02')}, which numpy
 * loads as {@code np.void(b'\x01\x02')}) loaded, but its toString() and value() threw IllegalArgumentException
 * ("array is 1-dimensional, but 0 indices were given"), and so did {@code brine show}. Oracle: numpy writes the
 * pickles and gives each scalar's repr and bytes (through memoryview: numpy 2.4's {@code tobytes()} of such a scalar
 * reads the wrong memory); Brine's own pickle of what it read is loaded by numpy again.
 */
class SubarrayScalarDifferentialTest {
    @TempDir
    Path tmp;

    @Test
    void subarrayScalarsPrintAndGiveTheirBytesAsNumpysVoid() throws Exception {
        Python.require("numpy");
        List<String> numpy = Python.checkText(String.join("\n",
                "import numpy as np, pickle, sys",
                "from numpy._core.multiarray import scalar",
                "class R:",
                "    def __init__(self, d, b): self.d, self.b = d, b",
                "    def __reduce__(self): return (scalar, (self.d, self.b))",
                "cases = [(('i1', (2,)), b'\\x01\\x02'), (('<f4', (2, 2)), bytes(range(16))), (('>i2', (1,)), b'\\x07\\x00'),",
                "         (([('a', 'i1')], (2,)), b'\\x01\\x7f'), (('V3', (2,)), b'ab\\x00\\xffef'), (('i1', (0,)), b'')]",
                "for i, (d, b) in enumerate(cases):",
                "    open('%s/s%d.pkl' % (sys.argv[1], i), 'wb').write(pickle.dumps(R(np.dtype(d), b), 2))",
                "    v = pickle.load(open('%s/s%d.pkl' % (sys.argv[1], i), 'rb'))",
                "    print(repr(v), memoryview(v).tobytes().hex())"), tmp).lines().toList();
        assertEquals(6, numpy.size());
        for (int i = 0; i < numpy.size(); i++) {
            String[] expected = numpy.get(i).split(" ");
            Object loaded = Pickle.loads(Files.readAllBytes(tmp.resolve("s" + i + ".pkl")));
            NumpyScalar s = assertInstanceOf(NumpyScalar.class, loaded);
            assertEquals(expected[0], s.toString(), "case " + i);
            byte[] bytes = HexFormat.of().parseHex(expected.length > 1 ? expected[1] : "");
            assertArrayEquals(bytes, (byte[]) s.value(), "case " + i);
            Path back = Files.write(tmp.resolve("b" + i + ".pkl"), Pickle.dumps(s, 2));
            assertEquals(numpy.get(i).strip(), Python.checkText(String.join("\n", "import pickle, sys",
                    "v = pickle.load(open(sys.argv[1], 'rb'))", "print(repr(v), memoryview(v).tobytes().hex())"), back).strip(),
                    "case " + i + " written back");
        }
    }
}
