package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import dev.brine.mapping.ClassRegistry;
import dev.brine.numpy.NumpyNames;
import dev.brine.numpy.NumpyPickles;
import dev.brine.numpy.ObjectArray;
import dev.brine.pickle.PicklerOptions;
import dev.brine.testing.Python;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Npz#write} writes the bytes {@code np.savez} and {@code np.savez_compressed} write for the same arrays:
 * numpy opens each member with {@code force_zip64=True}, so its local headers carry ZIP64 sizes and version 4.5,
 * with permissions 0o600 and the UTF-8 flag only on names that are not ASCII. Brine's writer (then
 * {@code ZipOutputStream}'s) wrote versions 1.0/2.0, no ZIP64 field, the UTF-8 flag on every name and a data
 * descriptor after each deflated member. Oracle: numpy itself, into a file and into a stream that cannot seek
 * (where Python's zipfile writes a descriptor after each member, as Brine's stream variant does).
 */
class NpzBytesDifferentialTest {
    @TempDir
    Path dir;

    /** numpy writes {@code ref.npz} (and, when {@code stream}, {@code ref.npz} through an unseekable stream). */
    private void numpy(String arrays, boolean compressed, boolean stream) throws Exception {
        Python.require("numpy");
        Python.check(String.join("\n",
                "import io, os, sys, numpy as np",
                "os.chdir(sys.argv[1])",
                arrays,
                "save = np.savez_compressed if " + (compressed ? "True" : "False") + " else np.savez",
                "class Unseekable(io.RawIOBase):",
                "    def __init__(self, f): self.f, self.n = f, 0",
                "    def writable(self): return True",
                "    def write(self, b): self.n += len(b); return self.f.write(b)",
                "    def tell(self): return self.n",
                "    def seekable(self): return False",
                "    def seek(self, *a): raise io.UnsupportedOperation('seek')",
                "if " + (stream ? "True" : "False") + ":",
                "    with open('ref.npz', 'wb') as f: save(Unseekable(f), **a)",
                "else:",
                "    save('ref.npz', **a)",
                ""), new byte[0], dir.toString());
    }

    private void assertBrineWritesNumpysBytes(String arrays, boolean compressed) throws Exception {
        for (boolean stream : new boolean[] {false, true}) {
            numpy(arrays, compressed, stream);
            Map<String, Object> read = Npz.readAll(dir.resolve("ref.npz"), Limits.DEFAULT.toBuilder().maxZipMembers(100_000).build());
            Map<String, Object> members = new LinkedHashMap<>(read);
            Path out = dir.resolve("brine.npz");
            if (stream) {
                try (OutputStream o = Files.newOutputStream(out)) {
                    @SuppressWarnings("unchecked")
                    Map<String, NDArray> onlyArrays = (Map<String, NDArray>) (Map<String, ?>) members;
                    Npz.write(onlyArrays, o, compressed);
                }
            } else {
                Npz.write(members, out, compressed, PicklerOptions.builder().protocol(3).build());
            }
            byte[] want = Files.readAllBytes(dir.resolve("ref.npz"));
            byte[] got = Files.readAllBytes(out);
            assertEquals(want.length, got.length, "length, compressed=" + compressed + " stream=" + stream);
            assertArrayEquals(want, got, "compressed=" + compressed + " stream=" + stream);
        }
    }

    private static final String MIXED = String.join("\n",
            "a = {'a': np.arange(3), 'é': np.zeros(2), 'm': np.arange(12, dtype='<f4').reshape(3, 4).T,",
            "     'e': np.zeros((0, 3), '>i2'), 's': np.array([(1, b'xy')], [('p', '<u2'), ('q', 'S2')]),",
            "     'dir/x': np.array(True), '': np.arange(100000, dtype='<i8') % 7,",
            // over 1 MiB: streamed, its header rewritten in place (or followed by a descriptor), not made whole first
            "     'big': np.arange(300000, dtype='<f8') / 7, 'after': np.arange(4)}");

    @Test
    void storedAsNpSavez() throws Exception {
        assertBrineWritesNumpysBytes(MIXED, false);
    }

    @Test
    void deflatedAsNpSavezCompressed() throws Exception {
        assertBrineWritesNumpysBytes(MIXED, true);
    }

    @Test
    void objectArrayMembers() throws Exception {
        numpy("a = {'o': np.array([1, 'x', None], dtype=object), 'f': np.ones(2)}", false, false);
        Map<String, Object> members = new LinkedHashMap<>();
        try (NpzFile z = Npz.open(dir.resolve("ref.npz"))) {
            ObjectArray o = z.objectArray("o");
            members.put("o", o);
            members.put("f", z.array("f"));
        }
        Path out = dir.resolve("brine.npz");
        // numpy 2 pickles an object array at protocol 4 under its own module names
        ClassRegistry numpy2 = NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY2, false).build();
        Npz.write(members, out, false, PicklerOptions.builder().protocol(4).registry(numpy2).build());
        assertArrayEquals(Files.readAllBytes(dir.resolve("ref.npz")), Files.readAllBytes(out));
    }

    @Test
    void moreMembersThanTheEndRecordCountsTakeZip64EndRecords() throws Exception {
        assertBrineWritesNumpysBytes("a = {'m%d' % i: np.array([i], '<i4') for i in range(70000)}", false);
    }

    /**
     * Into a file's own stream, numpy writes as into the file (it seeks a file object), from where the file stands:
     * offsets count from the file's start. Brine's stream form does the same with a {@code FileOutputStream}.
     */
    @Test
    void intoAFileStreamFromWhereItStands() throws Exception {
        Python.require("numpy");
        Python.check(String.join("\n", "import os, sys, numpy as np",
                "os.chdir(sys.argv[1])",
                "with open('ref.npz', 'wb') as f:",
                "    f.write(b'prefix-bytes')",
                "    np.savez_compressed(f, a=np.arange(5), b=np.ones((2, 3)), big=np.arange(300000) / 7)"),
                new byte[0], dir.toString());
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        try (NpzFile z = Npz.open(dir.resolve("ref.npz"))) { // np.load reads past the prefix; so does Brine
            for (String k : List.of("a", "b", "big")) {
                arrays.put(k, z.array(k));
            }
        }
        Path out = dir.resolve("brine.npz");
        try (java.io.FileOutputStream o = new java.io.FileOutputStream(out.toFile())) {
            o.write("prefix-bytes".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            Npz.write(arrays, o, true);
        }
        assertArrayEquals(Files.readAllBytes(dir.resolve("ref.npz")), Files.readAllBytes(out));
    }

    /**
     * Names numpy cannot write are refused before anything is written: more than 65,535 bytes (numpy: struct.error; the
     * first SavezZip cut the length to 16 bits and wrote a corrupt file) and a lone surrogate, which a str read from a
     * pickle may hold (numpy: UnicodeEncodeError; UTF-8 encoding wrote '?').
     */
    @Test
    void namesNumpyCannotWriteAreRefused() throws Exception {
        Python.require("numpy");
        String numpy = Python.checkText(String.join("\n",
                "import io, numpy as np",
                "for key in ['a' * 70000, 'a\\ud800b']:",
                "    try:",
                "        np.savez(io.BytesIO(), **{key: np.zeros(1)}); print('written')",
                "    except Exception as e:",
                "        print(type(e).__name__)"));
        assertEquals("error\nUnicodeEncodeError", numpy.strip());
        String[][] cases = {{"a".repeat(70_000), "more than the 65,535 a ZIP header holds"},
            {"a\ud800b", "holds a lone surrogate, which UTF-8 cannot encode"}};
        for (String[] c : cases) {
            Path out = dir.resolve("refused.npz");
            dev.brine.BrineException e = org.junit.jupiter.api.Assertions.assertThrows(dev.brine.BrineException.class,
                    () -> Npz.write(Map.of(c[0], NDArray.of(new double[] {0})), out, false));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            org.junit.jupiter.api.Assertions.assertFalse(Files.exists(out));
        }
    }

    @Test
    void noMembers() throws Exception {
        assertBrineWritesNumpysBytes("a = {}", true);
    }
}
