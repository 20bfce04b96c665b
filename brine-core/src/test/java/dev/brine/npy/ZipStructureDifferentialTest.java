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
class ZipStructureDifferentialTest {
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

    /**
     * Archives Python's zipfile refuses, so np.load does, though their data is intact: a member flagged as patched
     * data (bit 5) or strongly encrypted (bit 6), a "version needed" beyond 6.3, an extra field running past its
     * area, a ZIP64 locator spanning disks. Brine read them all; now it refuses them too.
     */
    @Test
    void archivesZipfileRefusesAreRefused() throws Exception {
        Python.require("numpy");
        String numpy = Python.checkText(String.join("\n",
                "import io, os, struct, sys, zipfile, numpy as np",
                "os.chdir(sys.argv[1])",
                "def savez():",
                "    b = io.BytesIO(); np.savez(b, a=np.arange(3)); return bytearray(b.getvalue())",
                "def first_entry(b):",
                "    i = b.rfind(b'PK\\x05\\x06'); return struct.unpack_from('<I', b, i + 16)[0], i",
                "files = {}",
                "for name, bit in (('bit5', 0x20), ('bit6', 0x40)):",
                "    b = savez(); cd, _ = first_entry(b)",
                "    struct.pack_into('<H', b, cd + 8, struct.unpack_from('<H', b, cd + 8)[0] | bit); files[name] = b",
                "b = savez(); cd, _ = first_entry(b); struct.pack_into('<B', b, cd + 6, 64); files['version64'] = b",
                "out = io.BytesIO(); raw = io.BytesIO(); np.save(raw, np.arange(3))",
                "with zipfile.ZipFile(out, 'w') as z:",
                "    zi = zipfile.ZipInfo('a.npy'); zi.extra = struct.pack('<HH4s', 0xcafe, 4, b'abcd'); z.writestr(zi, raw.getvalue())",
                "b = bytearray(out.getvalue()); cd, _ = first_entry(b); nl = struct.unpack_from('<H', b, cd + 28)[0]",
                "struct.pack_into('<H', b, cd + 46 + nl + 2, 0xF0); files['extra'] = b",
                "b = savez(); _, i = first_entry(b); n1, n2, size, off = struct.unpack_from('<HHII', b, i + 8)",
                "body = bytes(b[:i]); z64 = struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, n2, n2, size, off)",
                "loc = struct.pack('<IIQI', 0x07064b50, 0, len(body), 2)",
                "files['disks'] = body + z64 + loc + struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF,"
                        + " 0xFFFFFFFF, 0)",
                "for name, b in files.items():",
                "    open(name + '.npz', 'wb').write(b)",
                "    try:",
                "        with np.load(name + '.npz') as z: z['a']",
                "        print(name, 'loaded')",
                "    except Exception as e:",
                "        print(name, 'refused')"), dir);
        for (String line : numpy.strip().split("\n")) {
            String[] f = line.split(" ");
            assertEquals("refused", f[1], line);
            Path file = dir.resolve(f[0] + ".npz");
            org.junit.jupiter.api.Assertions.assertThrows(dev.brine.BrineException.class, () -> {
                try (NpzFile npz = Npz.open(file)) {
                    npz.get("a");
                }
            }, f[0]);
        }
        assertEquals(5, numpy.strip().split("\n").length);
    }
}
