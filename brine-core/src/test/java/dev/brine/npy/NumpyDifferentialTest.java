package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.ndarray.Order;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential tests with the real numpy: Brine writes and numpy loads (and re-saves, which must
 * give Brine's bytes), numpy writes and Brine loads; for NPY and NPZ. Values are compared through
 * the exact renderings of tools/golden/make_npy_golden.py.
 */
class NumpyDifferentialTest {
    private static final String PRELUDE = "import sys, os, io\n"
            + "sys.path.insert(0, " + pyStr(Path.of("..", "tools", "golden").toAbsolutePath().normalize().toString()) + ")\n"
            + "import numpy as np\nimport make_npy_golden as g\n";

    @TempDir
    Path dir;

    @BeforeEach
    void needNumpy() {
        Python.require("numpy");
    }

    private static String pyStr(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static List<long[]> shapes() {
        return List.of(new long[0], new long[] {0}, new long[] {7}, new long[] {3, 4}, new long[] {2, 3, 4},
                new long[] {1, 1, 5}, new long[] {2, 0, 3});
    }

    @Test
    void brineWritesNumpyLoadsEqualAndResavesIdentically() throws IOException {
        Random r = new Random(7);
        Map<String, NDArray> written = new LinkedHashMap<>();
        int n = 0;
        for (DType t : RandomArrays.allTypes()) {
            for (long[] shape : shapes()) {
                for (Order order : Order.values()) {
                    if (order == Order.F && shape.length < 2) {
                        continue;
                    }
                    NDArray a = RandomArrays.create(t, order, r, shape);
                    String name = "a" + (n++);
                    Npy.write(a, dir.resolve(name + ".npy"));
                    written.put(name, a);
                }
            }
        }
        Python.check(PRELUDE
                + "d = sys.argv[1]\n"
                + "for f in sorted(os.listdir(d)):\n"
                + "    if not f.endswith('.npy'): continue\n"
                + "    a = np.load(os.path.join(d, f))\n"
                + "    g.sidecar(os.path.join(d, f[:-4] + '.py.values'), a)\n"
                + "    with open(os.path.join(d, f[:-4] + '.resaved'), 'wb') as out: np.save(out, a)\n",
                new byte[0], dir.toString());
        for (Map.Entry<String, NDArray> e : written.entrySet()) {
            NDArray a = e.getValue();
            List<String> expected = Render.sidecar(a, a.order() == Order.F && !a.isCContiguous());
            List<String> numpySaw = Files.readAllLines(dir.resolve(e.getKey() + ".py.values"), StandardCharsets.UTF_8);
            assertEquals(expected, numpySaw, e.getKey() + " " + a.dtype());
            assertArrayEquals(Files.readAllBytes(dir.resolve(e.getKey() + ".npy")),
                    Files.readAllBytes(dir.resolve(e.getKey() + ".resaved")), e.getKey() + " re-saved by numpy");
        }
    }

    @Test
    void numpyWritesBrineLoadsEqual() throws IOException {
        Python.check(PRELUDE
                + "d = sys.argv[1]\n"
                + "rng = np.random.default_rng(11)\n"
                + "types = ['?', 'i1', 'u1', '<i2', '>i4', '<i8', '>u8', '<f2', '>f4', '<f8', '>c8', '<c16', 'S4', '>U3',\n"
                + "         'V2', '<M8[us]', '>m8[D]', [('x', '<i2'), ('y', '>f8', (2,)), ('z', [('w', 'u1')])]]\n"
                + "k = 0\n"
                + "for t in types:\n"
                + "    for shape in [(), (5,), (3, 4), (2, 3, 2)]:\n"
                + "        for order in 'CF':\n"
                + "            dt = np.dtype(t)\n"
                + "            if dt.kind == 'U':\n"
                + "                cps = rng.integers(0x20, 0xD000, size=int(np.prod(shape)) * dt.itemsize // 4, dtype='<u4')\n"
                + "                a = np.frombuffer(cps.tobytes(), dtype='<U%d' % (dt.itemsize // 4)).astype(dt)\n"
                + "            else:\n"
                + "                raw = rng.integers(0, 256, size=int(np.prod(shape)) * dt.itemsize, dtype=np.uint8)\n"
                + "                a = np.frombuffer(raw.tobytes(), dtype=dt)\n"
                + "            a = a.reshape(shape).copy(order=order)\n"
                + "            np.save(os.path.join(d, 'n%d.npy' % k), a)\n"
                + "            g.sidecar(os.path.join(d, 'n%d.values' % k), a)\n"
                + "            k += 1\n"
                + "np.savez(os.path.join(d, 'z.npz'), x=np.arange(10.), y=np.array([[1, 2], [3, 4]], dtype='>i2'))\n"
                + "np.savez_compressed(os.path.join(d, 'zc.npz'), x=np.arange(10.), y=np.array([[1, 2], [3, 4]], dtype='>i2'))\n",
                new byte[0], dir.toString());
        int checked = 0;
        for (int k = 0; Files.exists(dir.resolve("n" + k + ".npy")); k++) {
            Path f = dir.resolve("n" + k + ".npy");
            NDArray a = Npy.read(f);
            NpyHeader h = Npy.readHeader(f);
            assertEquals(Files.readAllLines(dir.resolve("n" + k + ".values"), StandardCharsets.UTF_8),
                    Render.sidecar(a, h.fortranOrder()), f.toString());
            assertArrayEquals(Files.readAllBytes(f), Npy.toBytes(a), "re-saved " + f);
            checked++;
        }
        assertEquals(18 * 8, checked);
        for (String z : List.of("z.npz", "zc.npz")) {
            try (NpzFile npz = Npz.open(dir.resolve(z))) {
                assertEquals(List.of("x", "y"), npz.names());
                assertEquals(NDArray.of(new double[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), npz.get("x"));
                assertEquals(NDArray.of(new short[] {1, 2, 3, 4}, 2, 2).astype(DType.parse(">i2")), npz.get("y"));
            }
        }
    }

    @Test
    void zip64CentralDirectoryWithMoreThan65535Members() throws IOException {
        Path f = dir.resolve("many.npz");
        Python.check(PRELUDE
                + "import zipfile\n"
                + "with zipfile.ZipFile(sys.argv[1], 'w') as z:\n"
                + "    b = io.BytesIO(); np.save(b, np.arange(3, dtype='<i8')); z.writestr('first.npy', b.getvalue())\n"
                + "    for i in range(65540): z.writestr('m%d' % i, b'')\n"
                + "    z.writestr('last.npy', b.getvalue())\n",
                new byte[0], f.toString());
        try (NpzFile npz = Npz.open(f)) {
            assertEquals(65542, npz.names().size());
            assertEquals(NDArray.of(new long[] {0, 1, 2}), npz.get("last"));
            assertEquals(0, ((byte[]) npz.get("m65539")).length);
        }
    }

    @Test
    void brineWritesNpzNumpyLoadsEqual() throws IOException {
        Random r = new Random(3);
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        List<DType> types = RandomArrays.allTypes();
        for (int i = 0; i < types.size(); i++) {
            arrays.put("m" + i, RandomArrays.create(types.get(i), i % 2 == 0 ? Order.C : Order.F, r, 3, 2));
        }
        arrays.put("dir/nested name é", NDArray.of(new int[] {1, 2, 3}));
        for (boolean compressed : new boolean[] {false, true}) {
            Path f = dir.resolve(compressed ? "c.npz" : "s.npz");
            Npz.write(arrays, f, compressed);
            String out = new String(Python.check(PRELUDE
                    + "z = np.load(sys.argv[1])\n"
                    + "print('\\n'.join(z.files))\n"
                    + "for k in z.files:\n"
                    + "    g.sidecar(os.path.join(sys.argv[2], k.replace('/', '_') + '.z.values'), z[k])\n",
                    new byte[0], f.toString(), dir.toString()), StandardCharsets.UTF_8);
            assertEquals(new ArrayList<>(arrays.keySet()), List.of(out.strip().split("\n")));
            for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                NDArray a = e.getValue();
                assertEquals(Render.sidecar(a, a.order() == Order.F && !a.isCContiguous()),
                        Files.readAllLines(dir.resolve(e.getKey().replace('/', '_') + ".z.values"), StandardCharsets.UTF_8),
                        e.getKey());
            }
            try (NpzFile back = Npz.open(f)) {
                for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                    assertEquals(e.getValue(), back.get(e.getKey()));
                }
            }
        }
    }
}
