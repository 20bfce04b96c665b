package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An archive whose comment holds a second central directory and end record: Python's zipfile, and so np.load,
 * takes the last end record in the file (the last 22 bytes when they are one without a comment), and Brine now
 * takes the same one, so that what Brine reads (and {@code brine verify} vouches for) is what numpy loads. Before,
 * Brine took the first record whose comment reached the end of the file: the other directory, another array.
 */
class ZipEndRecordDifferentialTest {
    @TempDir
    Path dir;

    @Test
    void theEndRecordIsTheOneNumpyTakes() throws Exception {
        Python.require("numpy");
        Path file = dir.resolve("two-directories.npz");
        String numpy = Python.checkText(String.join("\n",
                "import io, struct, sys, zlib, numpy as np",
                "def npy(a):",
                "    b = io.BytesIO(); np.save(b, a); return b.getvalue()",
                "def lh(name, data):",
                "    return struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, 0, 0, 0x21, zlib.crc32(data), len(data), len(data),"
                        + " len(name), 0) + name + data",
                "def cen(name, data, off):",
                "    return struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20, 20, 0, 0, 0, 0x21, zlib.crc32(data), len(data),"
                        + " len(data), len(name), 0, 0, 0, 0, 0o600 << 16, off) + name",
                "def eocd(n, cdsize, cdoff, commentlen):",
                "    return struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, n, n, cdsize, cdoff, commentlen)",
                "name = b'a.npy'",
                "first, hidden = npy(np.array([1, 2, 3])), npy(np.array([666, 666, 666]))",
                "body = lh(name, first)",
                "off2 = len(body); body += lh(name, hidden)",
                "cd1 = cen(name, first, 0)",
                "cd1off = len(body)",
                "cd2 = cen(name, hidden, off2)",
                "comment = cd2 + eocd(1, len(cd2), cd1off + len(cd1) + 22, 0) + b'xyz'",
                "open(sys.argv[1], 'wb').write(body + cd1 + eocd(1, len(cd1), cd1off, len(comment)) + comment)",
                "print(np.load(sys.argv[1])['a'].tolist())"), file);
        assertEquals("[666, 666, 666]", numpy.strip());
        Map<String, Object> all = Npz.readAll(file, Limits.DEFAULT);
        assertEquals(NDArray.of(new long[] {666, 666, 666}, 3), all.get("a"));
        try (NpzFile npz = Npz.open(file)) {
            assertEquals(NDArray.of(new long[] {666, 666, 666}, 3), npz.get("a"));
        }
    }
}
