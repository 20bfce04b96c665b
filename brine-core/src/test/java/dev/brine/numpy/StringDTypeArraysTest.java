package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.pickle.UnpicklingException;
import dev.brine.py.GenericObject;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * numpy 2's variable-width {@code StringDType} arrays, which Brine's dtypes do not model: numpy pickles
 * the dtype as {@code numpy._core._internal._convert_to_stringdtype_kwargs(coerce[, na_object])} and the
 * array's data as a list of str. Refused by default, naming that global; with generic objects the
 * array is an inert {@link GenericObject} (as an ndarray subclass is) that writes back numpy's bytes.
 */
class StringDTypeArraysTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final UnpicklerOptions GENERIC = UnpicklerOptions.builder().genericObjects(true).build();
    private static final PicklerOptions NUMPY2 = PicklerOptions.builder()
            .registry(NumpyPickles.addTo(dev.brine.mapping.ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY2, false).build())
            .build();

    private static final List<String> CASES = List.of(
            "np.array(['a', 'bc'], dtype=np.dtypes.StringDType())",
            "np.array([['x', '\u00e9t\u00e9'], ['', 'long ' * 20]], dtype=np.dtypes.StringDType(), order='F')",
            "np.array(['a', None], dtype=np.dtypes.StringDType(na_object=None))",
            "np.array([], dtype=np.dtypes.StringDType(coerce=False))",
            "{'s': np.array(['a'], dtype=np.dtypes.StringDType()), 'f': np.arange(3.0)}",
            "[np.dtypes.StringDType(), np.dtypes.StringDType(na_object=float('nan'))]");

    @Test
    void stringDTypeArraysLoadAsGenericObjectsAndDumpBackByteForByte() throws IOException {
        Python.require("numpy");
        List<String> numpy = Python.eachLine("import numpy as np, pickle",
                "'|'.join(pickle.dumps(eval(line), p).hex() for p in range(6))", null, CASES);
        StringBuilder differences = new StringBuilder();
        for (int i = 0; i < CASES.size(); i++) {
            String[] pickles = numpy.get(i).split("\\|");
            for (int p = 0; p < pickles.length; p++) {
                byte[] original = HEX.parseHex(pickles[p]);
                Object loaded = Pickle.loads(original, GENERIC);
                if (i == 0) {
                    GenericObject a = assertInstanceOf(GenericObject.class, loaded);
                    assertTrue(a.toString().contains("_convert_to_stringdtype_kwargs"), a.toString());
                }
                String brine = HEX.formatHex(Pickle.dumps(loaded, NUMPY2.withProtocol(p)));
                if (!brine.equals(pickles[p])) {
                    differences.append(CASES.get(i)).append(" protocol ").append(p).append("\n  numpy ").append(pickles[p])
                            .append("\n  brine ").append(brine).append('\n');
                }
            }
            UnpicklingException e = assertThrows(UnpicklingException.class, () -> Pickle.loads(HEX.parseHex(pickles[2])));
            assertTrue(e.getMessage().contains("_convert_to_stringdtype_kwargs") && e.getMessage().contains("StringDType")
                    && e.getMessage().contains("genericObjects(true)"), e.getMessage());
        }
        assertEquals("", differences.toString());
    }
}
