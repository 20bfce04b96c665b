package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * Every {@code numpy.dtype(typestr, False, True)} in a pickle makes a new dtype ({@code copy=True}),
 * for bool and object as for the other builtin types; only a scalar takes numpy's one builtin dtype
 * again. So CPython's re-dump of what it loaded writes the dtype of {@code [bool array, its scalar]}
 * twice, and two separately loaded bool or object dtypes twice. Brine read both {@code 'b1'} (and both
 * {@code 'O8'}) as the one constant and wrote the second as a memo GET. Oracle: the pickles CPython
 * writes of the values it loaded, which Brine must load and dump back byte for byte.
 */
class LoadedDTypeIdentityDifferentialTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Python expressions; each is pickled, loaded and pickled again by CPython at the protocol. */
    private static final List<String> CASES = List.of(
            "[np.zeros(2, '?'), np.zeros(2, '?')[0]]",
            "[np.True_, np.zeros(2, '?')]",
            "[np.True_, np.False_, np.zeros(3, '?'), np.True_]",
            // (a one-letter key 'b' would also be CPython's one str 'b', the text of the array's b'b' below protocol 3)
            "{'x': np.zeros(2, '?'), 'y': np.bool_(True), 'z': np.zeros(1, '?')}",
            "[np.dtype('?'), np.zeros(2, '?'), np.dtype(bool), np.False_]",
            "[np.zeros(2, 'O'), np.dtype('O'), np.zeros(1, 'O')]",
            "[np.zeros(2, 'i1'), np.zeros(2, 'i1')[0], np.zeros(2, 'f8'), np.float64(1)]",
            // loaded separately: distinct dtype objects in CPython, each written in full
            "[pickle.loads(pickle.dumps(np.zeros(2, c))) for c in '?O?O']",
            "[pickle.loads(pickle.dumps(np.dtype(c))) for c in '??OO']");

    @Test
    void cpythonsRedumpsOfBoolAndObjectDtypesDumpBackByteForByte() throws IOException {
        Python.require("numpy");
        List<String> numpy = Python.eachLine("import numpy as np, pickle",
                "'|'.join(pickle.dumps(pickle.loads(pickle.dumps(eval(line), p)), p).hex() for p in range(2, 6))",
                null, CASES);
        StringBuilder differences = new StringBuilder();
        for (int i = 0; i < CASES.size(); i++) {
            String[] pickles = numpy.get(i).split("\\|");
            for (int k = 0; k < pickles.length; k++) {
                differences.append(difference(CASES.get(i), k + 2, pickles[k], NumpyNames.NUMPY2));
                if (k + 2 < 4) {
                    // numpy 1's names: the same pickle with the old module (GLOBAL lines, no frames below protocol 4)
                    String old = pickles[k].replace(HEX.formatHex("cnumpy._core.".getBytes()), HEX.formatHex("cnumpy.core.".getBytes()));
                    differences.append(difference(CASES.get(i), k + 2, old, NumpyNames.NUMPY1));
                }
            }
        }
        assertEquals("", differences.toString());
    }

    private static String difference(String expression, int protocol, String pickle, NumpyNames names) throws IOException {
        ClassRegistry registry = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), names, true).build();
        Object loaded = Pickle.loads(HEX.parseHex(pickle), UnpicklerOptions.builder().registry(registry).build());
        String brine = HEX.formatHex(Pickle.dumps(loaded, PicklerOptions.builder().registry(registry).protocol(protocol).build()));
        return brine.equals(pickle) ? "" : expression + " protocol " + protocol + " " + names
                + "\n  numpy " + pickle + "\n  brine " + brine + '\n';
    }

    /** Java's own constants stay numpy's one builtin bool and object dtypes: one reduction, then memo GETs. */
    @Test
    void javaBuiltBoolValuesShareNumpysOneDtype() throws IOException {
        Python.require("numpy");
        ClassRegistry registry = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY2, true).build();
        List<Object> values = List.of(NumpyScalar.of(DType.BOOL, true), DType.BOOL, NumpyScalar.of(DType.BOOL, false), DType.OBJECT);
        String numpy = Python.eachLine("import numpy as np, pickle", "pickle.dumps(eval(line), 2).hex()", null,
                List.of("[np.True_, np.dtype(bool), np.False_, np.dtype(object)]")).get(0);
        assertEquals(numpy, HEX.formatHex(Pickle.dumps(values, PicklerOptions.builder().registry(registry).protocol(2).build())));
    }
}
