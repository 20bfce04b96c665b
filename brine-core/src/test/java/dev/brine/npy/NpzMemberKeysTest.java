package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An .npz whose members share a key once {@code .npy} is stripped ({@code a.npy} and {@code a}):
 * {@link NpzFile#names()} lists numpy's {@code files}, and {@link NpzFile#memberKeys()} gives each
 * member a key that reaches it, which the live numpy resolves to the same member.
 */
class NpzMemberKeysTest {
    @TempDir
    Path dir;

    @Test
    void memberKeysReachEachMemberAsNumpyResolvesThem() throws IOException {
        Python.require("numpy");
        Path npz = dir.resolve("shadow.npz");
        String made = Python.checkText(String.join("\n",
                "import sys, io, zipfile, numpy as np",
                "def npy(a):",
                "    b = io.BytesIO(); np.save(b, a); return b.getvalue()",
                "with zipfile.ZipFile(sys.argv[1], 'w') as z:",
                "    z.writestr('a.npy', npy(np.arange(3.0)))",
                "    z.writestr('a', b'shadow')",
                "    z.writestr('b', npy(np.arange(2)))",
                "    z.writestr('b.npy', b'raw')",
                "    z.writestr('...npy', npy(np.arange(4, dtype='<i2')))",
                "print(' '.join(np.load(sys.argv[1]).files))"), npz);
        try (NpzFile z = Npz.open(npz)) {
            assertEquals(List.of(made.strip().split(" ")), z.names(), "numpy's files");
            List<String> keys = z.memberKeys();
            assertEquals(List.of("a.npy", "a", "b", "b.npy", ".."), keys);
            List<String> brine = new ArrayList<>();
            for (String key : keys) {
                Object v = z.get(key);
                brine.add(v instanceof NDArray ? "array " + HexFormat.of().formatHex(Npy.toBytes((NDArray) v))
                        : "bytes " + HexFormat.of().formatHex((byte[]) v));
            }
            List<String> numpy = Python.eachLine(String.join("\n", "import io, numpy as np",
                    "z = np.load(" + pyStr(npz.toString()) + ")",
                    "def show(v):",
                    "    if isinstance(v, bytes): return 'bytes ' + v.hex()",
                    "    b = io.BytesIO(); np.save(b, v); return 'array ' + b.getvalue().hex()"),
                    "show(z[line])", null, keys);
            assertEquals(numpy, brine);
        }
    }

    /**
     * Npz.readAll reads every member once, keyed by memberKeys: a.npy (the array) and a (the raw bytes), as numpy's
     * z['a.npy'] and z['a'] give them, where it kept only the raw member (read twice) under numpy's key a. Each is
     * charged once: a budget that both members fit once, but not the raw one twice, reads the file.
     */
    @Test
    void readAllKeepsEveryMemberUnderTheKeyThatReachesItChargingEachOnce() throws IOException {
        Python.require("numpy");
        Path npz = dir.resolve("both.npz");
        List<String> numpy = Python.checkText(String.join("\n",
                "import sys, io, zipfile, numpy as np",
                "def npy(a):",
                "    b = io.BytesIO(); np.save(b, a); return b.getvalue()",
                // deflated: what a reader inflates is charged to the budget
                "with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:",
                "    z.writestr('a.npy', npy(np.arange(3.0)))",
                "    z.writestr('a', b'raw' * 300)",
                "z = np.load(sys.argv[1])",
                "print(' '.join(z.files))",
                "print('array ' + npy(z['a.npy']).hex())",
                "print('bytes ' + z['a'].hex())"), npz).lines().toList();
        assertEquals("a a", numpy.get(0), "numpy's files: one key for two members");
        Map<String, Object> all = Npz.readAll(npz, Limits.DEFAULT.toBuilder().maxTotalAllocation(1500).build());
        assertEquals(List.of("a.npy", "a"), new ArrayList<>(all.keySet()));
        assertEquals(numpy.get(1), "array " + HexFormat.of().formatHex(Npy.toBytes((NDArray) all.get("a.npy"))));
        assertEquals(numpy.get(2), "bytes " + HexFormat.of().formatHex((byte[]) all.get("a")));
    }

    private static String pyStr(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
