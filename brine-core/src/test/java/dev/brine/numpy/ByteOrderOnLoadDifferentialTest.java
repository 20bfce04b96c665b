package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.mapping.ClassRegistry;
import dev.brine.ndarray.NDArray;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Arrays pickled in the other byte order ({@code '>i4'} on this little-endian machine): numpy's
 * {@code __setstate__} loads them in native order with equal values (protocols 0–4, and 5 for the types numpy still
 * pickles with {@code _reconstruct}), and keeps the order where protocol 5 uses {@code _frombuffer}; structured types
 * keep theirs. Brine loads each of numpy's pickles to numpy's dtype, and its re-dump of what it loaded is numpy's
 * re-dump of what numpy loaded, byte for byte.
 */
class ByteOrderOnLoadDifferentialTest {
    private static final ClassRegistry NUMPY = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(),
            NumpyNames.NUMPY2, false).build(); // numpy 2's module names, as the numpy here writes them
    private static final List<String> CASES = List.of(
            "np.array([1, -2, 300], dtype='>i4')", "np.array([[1.5, -0.0], [np.nan, np.inf]], dtype='>f8', order='F')",
            "np.array(['2015-02-24T00:00:00', 'NaT'], dtype='>M8[ns]')", "np.array([1, 2], dtype='>m8[s]')",
            "np.array([1+2j], dtype='>c16')", "np.array(['ab', 'xyz'], dtype='>U3')", "np.array([0.5, 65504], dtype='>f2')",
            "np.array([1.25, -3], dtype='>g')", "np.array([7], dtype='>u8')", "np.array(5, dtype='>i2')",
            "np.zeros(2, dtype=[('x', '>i4'), ('y', '<f4')])", "np.array([1, 2], dtype='<i4')", "np.array([True], dtype='|b1')");

    @Test
    void arraysInTheOtherByteOrderLoadAsNumpyLoadsThem() throws IOException {
        Python.require("numpy");
        List<String> numpy = Python.eachLine("import numpy as np, pickle",
                "' '.join(pickle.dumps(eval(line), p).hex() + ',' + pickle.loads(pickle.dumps(eval(line), p)).dtype.str + ','"
                        + " + pickle.dumps(pickle.loads(pickle.dumps(eval(line), p)), p).hex() for p in range(6))", null, CASES);
        UnpicklerOptions read = UnpicklerOptions.builder().registry(NUMPY).build();
        PicklerOptions write = PicklerOptions.builder().registry(NUMPY).build();
        for (int i = 0; i < CASES.size(); i++) {
            String[] perProtocol = numpy.get(i).split(" ");
            for (int p = 0; p <= 5; p++) {
                String[] f = perProtocol[p].split(",");
                NDArray a = (NDArray) Pickle.loads(HexFormat.of().parseHex(f[0]), read);
                String what = CASES.get(i) + " at protocol " + p;
                assertEquals(f[1], a.dtype().str(), what);
                if (a.dtype().numpyKind() == 'f' && a.dtype().itemsize() == 16) {
                    // numpy leaves a long double's 6 padding bytes as they were in memory (not deterministic):
                    // compare what the values print as, against numpy's re-dump read without any swapping
                    assertEquals(Pickle.loads(HexFormat.of().parseHex(f[2]), read).toString(), a.toString(), what);
                } else {
                    assertEquals(f[2], HexFormat.of().formatHex(Pickle.dumps(a, write.withProtocol(p))), what);
                }
            }
        }
    }
}
