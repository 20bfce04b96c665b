package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.brine.mapping.ClassRegistry;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.DateTimeUnit;
import dev.brine.ndarray.NDArray;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * numpy's dtype metadata ({@code np.dtype('f8', metadata={...})}): numpy pickles it in the dtype's
 * state, version 4 ({@code (..., metadata)}, for datetime types {@code (..., (metadata, unit))}), and
 * version 3 without it. Brine keeps it as {@link DType#metadata()}, so that numpy's pickles of such
 * dtypes, and of arrays of them, load in Brine and dump back byte for byte at every protocol.
 */
class DTypeMetadataPicklesTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final PicklerOptions NUMPY2 = PicklerOptions.builder()
            .registry(NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY2, false).build()).build();

    private static final List<String> CASES = List.of(
            "np.dtype('f8', metadata={'a': 1})",
            "np.dtype('>i2', metadata={})",
            "np.dtype('M8[s]', metadata={'k': 'v'})",
            "np.dtype('m8[3ms]', metadata={'k': None})",
            "np.dtype([('x', '<i4')], metadata={'k': ['v', 2]})",
            "np.dtype([('x', '<i4')], align=True, metadata={'k': 1})",
            "np.dtype((np.record, [('a', '<i4')]), metadata={'z': 1})",
            "np.dtype(('<i4', (2,)), metadata={'q': 1})",
            "np.dtype('S3', metadata={'a': [1, 2], 'b': (3.5, b'x')})",
            "np.dtype('<U2', metadata={'a': 1})",
            "np.zeros(3, np.dtype('<i4', metadata={'unit': 'm'}))",
            "np.zeros(2, np.dtype([('a', '<f8'), ('b', 'M8[D]')], metadata={'k': 'v'}))",
            "np.array(['2020-01-01'], np.dtype('M8[D]', metadata={'k': 'v'}))",
            "[np.dtype('f8', metadata={'a': 1}), np.dtype('f8')]");

    @Test
    void numpysPicklesOfDtypesWithMetadataDumpBackByteForByte() throws IOException {
        Python.require("numpy");
        List<String> numpy = Python.eachLine("import numpy as np, pickle",
                "'|'.join(pickle.dumps(eval(line), p).hex() for p in range(6))", null, CASES);
        StringBuilder differences = new StringBuilder();
        for (int i = 0; i < CASES.size(); i++) {
            String[] pickles = numpy.get(i).split("\\|");
            for (int p = 0; p < pickles.length; p++) {
                Object loaded = Pickle.loads(HEX.parseHex(pickles[p]));
                String brine = HEX.formatHex(Pickle.dumps(loaded, NUMPY2.withProtocol(p)));
                if (!brine.equals(pickles[p])) {
                    differences.append(CASES.get(i)).append(" protocol ").append(p).append("\n  numpy ").append(pickles[p])
                            .append("\n  brine ").append(brine).append('\n');
                }
            }
        }
        assertEquals("", differences.toString());
    }

    @Test
    void theMetadataReadsAsTheDictNumpyHolds() throws IOException {
        Python.require("numpy");
        byte[] p = Python.check("import numpy as np, pickle, sys\n"
                + "sys.stdout.buffer.write(pickle.dumps(np.dtype('M8[s]', metadata={'k': [1, 'v']}), 2))", new byte[0]);
        DType t = (DType) Pickle.loads(p);
        assertEquals(DType.datetime64(DateTimeUnit.fromSymbol("s"), 1), t);
        assertEquals(Map.of("k", List.of(1L, "v")), t.metadata());
    }

    @Test
    void brinesDtypesWithMetadataLoadInNumpyWithIt() throws IOException {
        Python.require("numpy");
        Map<Object, Object> meta = new LinkedHashMap<>();
        meta.put("unit", "m");
        meta.put("scale", 2.5);
        NDArray a = NDArray.wrap(DType.FLOAT32.withMetadata(meta), dev.brine.ndarray.Order.C, new long[] {2},
                dev.brine.ndarray.Storage.wrap(new byte[8]));
        String out = new String(Python.check("import numpy as np, pickle, sys\n"
                + "a = pickle.loads(sys.stdin.buffer.read())\n"
                + "print(a.dtype, dict(a.dtype.metadata), pickle.loads(pickle.dumps(a.dtype, 2)).metadata == a.dtype.metadata)",
                Pickle.dumps(a, 2)));
        assertEquals("float32 {'unit': 'm', 'scale': 2.5} True\n", out);
    }

    @Test
    void metadataIsKeptAsIsAndIgnoredByEquality() throws Exception {
        Map<Object, Object> meta = new LinkedHashMap<>(Map.of("a", 1L));
        DType t = DType.FLOAT64.withMetadata(meta);
        assertSame(meta, t.metadata());
        assertNull(DType.FLOAT64.metadata());
        assertEquals(DType.FLOAT64, t); // numpy: np.dtype('f8', metadata={'a': 1}) == np.dtype('f8')
        assertEquals(DType.FLOAT64.hashCode(), t.hashCode());
        assertEquals(4, t.stateVersion());
        assertEquals(3, DType.FLOAT64.stateVersion());
        assertSame(meta, t.withByteOrder('>').metadata()); // numpy's newbyteorder keeps it
        assertSame(t, t.withMetadata(meta));
        assertNull(t.withMetadata(null).metadata());
        assertNotEquals(HEX.formatHex(Pickle.dumps(DType.FLOAT64, 2)), HEX.formatHex(Pickle.dumps(t, 2)));
    }
}
