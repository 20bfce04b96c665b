package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.mapping.ClassRegistry;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.pickle.UnpicklingException;
import dev.brine.py.GenericObject;
import dev.brine.testing.Python;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * numpy's record dtypes ({@code dtype((np.record, ...))}, pickled as {@code numpy.dtype(numpy.record,
 * False, True)}) and {@code np.rec} arrays, against numpy itself: they load at every protocol, and
 * re-dumping what was loaded gives numpy's own bytes.
 */
class RecordDTypePicklesTest {
    /** numpy 2's own module names, so Brine's output can be compared byte for byte with numpy's. */
    private static final ClassRegistry NUMPY2 = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(),
            NumpyNames.NUMPY2, false).build();

    private static final String SETUP = "import numpy as np, pickle, sys, struct\n"
            + "d = np.dtype((np.record, [('x', '<i8'), ('y', '<f8')]))\n"
            + "rec = np.rec.fromarrays([np.arange(3), np.ones(3)], names='x,y')\n";

    /** Each case's pickle at {@code protocol}, written by numpy. */
    private static List<byte[]> numpys(int protocol, String... cases) throws IOException {
        byte[] out = Python.check(SETUP + "for c in [" + String.join(", ", cases) + "]:\n"
                + "    p = pickle.dumps(c, " + protocol + ")\n"
                + "    sys.stdout.buffer.write(struct.pack('>i', len(p)) + p)\n", new byte[0]);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(out));
        List<byte[]> pickles = new ArrayList<>();
        for (String ignored : cases) {
            byte[] p = new byte[in.readInt()];
            in.readFully(p);
            pickles.add(p);
        }
        return pickles;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void recordDTypesAndArraysLoadAndReDumpAsNumpysBytes(int protocol) throws IOException {
        Python.require("numpy");
        List<byte[]> p = numpys(protocol, "d", "np.zeros(2, dtype=d)", "d.newbyteorder('>')",
                "np.dtype((np.record, 'V8'))", "rec[1]");
        DType d = (DType) Pickle.loads(p.get(0));
        assertTrue(d.isRecord());
        assertEquals(DType.struct().add("x", DType.INT64).add("y", DType.FLOAT64).build(), d, "numpy: equal to the plain type");
        assertEquals("dtype((numpy.record, [('x', '<i8'), ('y', '<f8')]))", d.toString());
        NDArray zeros = (NDArray) Pickle.loads(p.get(1));
        assertTrue(zeros.dtype().isRecord());
        assertEquals(2, zeros.shape()[0]);
        DType big = (DType) Pickle.loads(p.get(2));
        assertTrue(big.isRecord());
        assertEquals('>', big.field("x").type().byteOrderChar());
        DType v8 = (DType) Pickle.loads(p.get(3));
        assertEquals(DType.Kind.VOID, v8.kind());
        assertTrue(v8.isRecord());
        NumpyScalar scalar = (NumpyScalar) Pickle.loads(p.get(4));
        assertTrue(scalar.dtype().isRecord());
        PicklerOptions options = PicklerOptions.builder().protocol(protocol).registry(NUMPY2).build();
        for (int i = 0; i < p.size(); i++) {
            assertArrayEquals(p.get(i), Pickle.dumps(Pickle.loads(p.get(i)), options), "case " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 5})
    void recArraysLoadAsGenericObjectsLikeOtherNdarraySubclassesAndReDumpAsNumpysBytes(int protocol) throws IOException {
        Python.require("numpy");
        byte[] p = numpys(protocol, "rec").get(0);
        // numpy.rec.recarray is an ndarray subclass Brine does not model: refused by default, naming it
        UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(p));
        assertTrue(e.getMessage().contains("numpy.rec"), e.getMessage());
        UnpicklerOptions generic = UnpicklerOptions.builder().registry(NUMPY2).genericObjects(true).build();
        Object loaded = Pickle.loads(p, generic);
        GenericObject rec = assertInstanceOf(GenericObject.class, loaded);
        assertFalse(rec.toString().isEmpty());
        PicklerOptions options = PicklerOptions.builder().protocol(protocol).registry(NUMPY2).build();
        assertArrayEquals(p, Pickle.dumps(loaded, options));
    }

    @Test
    void aRecordTypeBuiltInJavaLoadsInNumpyAsTheRecordType() throws IOException {
        Python.require("numpy");
        DType d = DType.struct().add("x", DType.INT64).add("y", DType.FLOAT64).build().asRecord();
        String out = new String(Python.check("import numpy as np, pickle, sys\n"
                + "d = pickle.loads(sys.stdin.buffer.read())\n"
                + "print(d.type.__name__, d == np.dtype([('x', '<i8'), ('y', '<f8')]))\n", Pickle.dumps(d, 2)));
        assertEquals("record True\n", out);
    }

    @Test
    void aRecordStateThatIsNotVoidIsRefused() {
        // numpy.dtype(numpy.record, False, True) with the state of a float64
        byte[] bad = ("\u0080\u0002cnumpy\ndtype\ncnumpy\nrecord\n\u0089\u0088\u0087R(K\u0003X\u0001\u0000\u0000\u0000<"
                + "NNNJ\u00ff\u00ff\u00ff\u00ffJ\u00ff\u00ff\u00ff\u00ffK\u0000tb.").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(bad));
        assertTrue(e.getMessage().contains("numpy.record"), e.getMessage());
    }
}
