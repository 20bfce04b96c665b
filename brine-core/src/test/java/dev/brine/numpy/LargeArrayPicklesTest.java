package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.mapping.ClassRegistry;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import dev.brine.ndarray.Storage;
import dev.brine.npy.Npy;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.PicklerOptions;
import dev.brine.testing.Python;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Arrays whose bytes are large payloads (written outside frames, and at protocol 5 handed to the
 * pickler as the array's own storage, not a copy) still pickle byte for byte as numpy does: in
 * memory and to a stream, in C and Fortran order, several in one pickle, writable and read-only.
 */
class LargeArrayPicklesTest {
    /** numpy 2's own module names, so Brine's output can be compared byte for byte with numpy's. */
    private static final ClassRegistry NUMPY2 = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(),
            NumpyNames.NUMPY2, false).build();

    /** Arrays around the frame size (64 KiB) and the pickler's block size (1 MiB), mixed with small ones. */
    private static final String ARRAYS = "import numpy as np\n"
            + "r = np.random.default_rng(7)\n"
            + "big = r.standard_normal(3 * 2**17)\n"                                  // 3 MiB
            + "objs = [big,\n"
            + "        np.asfortranarray(r.integers(0, 2**31, (300, 70), dtype='<i4')),\n" // 82 KiB, F order
            + "        {'w%d' % i: r.standard_normal(8192 + i) for i in range(40)},\n"     // 40 x ~64 KiB
            + "        np.arange(3, dtype='<u2'),\n"
            + "        [big, big[:5].copy()],\n"                                          // memo GET of big
            + "        r.standard_normal(2**16 // 8 - 1)]\n";                            // just under 64 KiB

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5})
    void largeArraysPickleAsNumpyDoes(int protocol) throws IOException {
        Python.require("numpy");
        byte[] numpys = Python.check(ARRAYS + "import pickle, sys\n"
                + "sys.stdout.buffer.write(pickle.dumps(objs, " + protocol + "))\n", new byte[0]);
        Object loaded = Pickle.loads(numpys);
        PicklerOptions options = PicklerOptions.builder().protocol(protocol).registry(NUMPY2).build();
        assertArrayEquals(numpys, Pickle.dumps(loaded, options), "in memory");
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        Pickle.dump(loaded, stream, options);
        assertArrayEquals(numpys, stream.toByteArray(), "to a stream");
    }

    @Test
    void aReadOnlyMappedArrayPicklesAsNumpysReadOnlyArray(@TempDir Path dir) throws IOException {
        Python.require("numpy");
        Path file = dir.resolve("a.npy");
        byte[] numpys = Python.check(ARRAYS + "import pickle, sys\n"
                + "np.save(sys.argv[1], big)\n"
                + "big.flags.writeable = False\n"
                + "sys.stdout.buffer.write(pickle.dumps(big, 5))\n", new byte[0], file.toString());
        NDArray mapped = Npy.map(file, false);
        assertTrue(mapped.isReadOnly());
        PicklerOptions options = PicklerOptions.builder().protocol(5).registry(NUMPY2).build();
        assertArrayEquals(numpys, Pickle.dumps(mapped, options));
    }

    @Test
    void anArrayBuiltInJavaPicklesAsTheSameArrayBuiltInNumpy() throws IOException {
        Python.require("numpy");
        long n = 200_000; // 1.6 MiB: beyond the pickler's block size
        Storage s = Storage.allocate(n * 8);
        for (long i = 0; i < n; i++) {
            s.putLong(i * 8, Double.doubleToRawLongBits(i * 0.5), false);
        }
        NDArray a = NDArray.wrap(DType.FLOAT64, Order.F, new long[] {n / 400, 400}, s);
        byte[] out = Python.check("import numpy as np, pickle, sys\n"
                + "a = np.asfortranarray((np.arange(" + n + ") * 0.5).reshape((400, " + (n / 400) + ")).T)\n"
                + "for p in (2, 4, 5):\n"
                + "    b = pickle.dumps(a, p)\n"
                + "    sys.stdout.buffer.write(len(b).to_bytes(4, 'big') + b)\n", new byte[0]);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(out));
        for (int protocol : List.of(2, 4, 5)) {
            byte[] numpys = new byte[in.readInt()];
            in.readFully(numpys);
            byte[] ours = Pickle.dumps(a, PicklerOptions.builder().protocol(protocol).registry(NUMPY2).build());
            assertArrayEquals(numpys, ours, "protocol " + protocol);
        }
        assertEquals(0, in.available());
    }
}
