package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.mapping.ClassRegistry;
import dev.brine.npy.Npy;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Object arrays that hold nothing because one size is 0 ({@code (2, 0)}, {@code (3, 0, 2)}, Fortran order too), which
 * numpy saves, pickles and loads: Brine reads numpy's pickles and .npy files of them with numpy's shape, and pickles
 * them back to numpy's bytes at every protocol.
 */
class EmptyObjectArrayDifferentialTest {
    private static final ClassRegistry NUMPY = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(),
            NumpyNames.NUMPY2, true).build(); // object arrays allowed
    private static final List<String> CASES = List.of("np.zeros((2, 0), dtype=object)", "np.zeros((3, 0, 2), dtype=object)",
            "np.asfortranarray(np.zeros((2, 0), dtype=object))", "np.zeros((0,), dtype=object)",
            "np.zeros((0, 5), dtype=[('a', '<i4'), ('o', 'O')])");

    @TempDir
    Path tmp;

    @Test
    void emptyObjectArraysReadWithNumpysShapeAndPickleBackToNumpysBytes() throws IOException {
        Python.require("numpy");
        List<String> numpy = Python.eachLine("import numpy as np, pickle",
                "' '.join([','.join(map(str, eval(line).shape)) + ','] + [pickle.dumps(eval(line), p).hex() for p in range(6)])", null, CASES);
        UnpicklerOptions read = UnpicklerOptions.builder().registry(NUMPY).build();
        PicklerOptions write = PicklerOptions.builder().registry(NUMPY).build();
        for (int i = 0; i < CASES.size(); i++) {
            String[] parts = numpy.get(i).split(" ");
            long[] shape = shapeOf(parts[0]);
            for (int p = 0; p <= 5; p++) {
                byte[] pickle = HexFormat.of().parseHex(parts[p + 1]);
                ObjectArray a = (ObjectArray) Pickle.loads(pickle, read);
                assertArrayEquals(shape, a.shape(), CASES.get(i) + " at protocol " + p);
                assertTrue(a.items().isEmpty());
                assertEquals(parts[p + 1], HexFormat.of().formatHex(Pickle.dumps(a, write.withProtocol(p))), CASES.get(i) + " at protocol " + p);
            }
        }
    }

    @Test
    void emptyObjectArraysInNpyFilesReadWithNumpysShape() throws IOException {
        Python.require("numpy");
        StringBuilder script = new StringBuilder("import numpy as np\n");
        for (int i = 0; i < CASES.size(); i++) {
            script.append("np.save('").append(tmp.resolve(i + ".npy")).append("', ").append(CASES.get(i))
                    .append(", allow_pickle=True)\nprint(np.load('").append(tmp.resolve(i + ".npy"))
                    .append("', allow_pickle=True).shape)\n");
        }
        String[] shapes = Python.checkText(script.toString()).strip().split("\n");
        for (int i = 0; i < CASES.size(); i++) {
            assertTrue(Files.size(tmp.resolve(i + ".npy")) > 0);
            ObjectArray a = Npy.readObjectArray(tmp.resolve(i + ".npy"));
            assertArrayEquals(shapeOf(shapes[i]), a.shape(), CASES.get(i));
            assertTrue(a.items().isEmpty());
        }
    }

    private static long[] shapeOf(String pythonTuple) {
        String inner = pythonTuple.replaceAll("[() ]", ""); // "(2, 0)" or "2,0,"
        return java.util.Arrays.stream(inner.split(",")).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
    }
}
