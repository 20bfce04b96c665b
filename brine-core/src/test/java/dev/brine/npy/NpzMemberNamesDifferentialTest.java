package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Npz#write} refuses the member names Brine's own reader refuses, so that every archive it writes reads back:
 * it wrote {@code C:/x} (a drive's root, which the reader and {@code brine ls} then refused as an absolute path).
 * Names that merely hold a colon ({@code w:0}, a TensorFlow-style variable) are plain names: written, read back by
 * Brine, and read by {@code numpy.load} under the same keys; so is the empty name (member {@code .npy}, as
 * {@code np.savez(**{'': a})} writes it).
 */
class NpzMemberNamesDifferentialTest {
    @TempDir
    Path dir;

    @Test
    void namesTheReaderRefusesAreRefusedWhenWriting() {
        for (String bad : List.of("C:/x", "C:\\x", "c:/x", "z:\\dir\\x", "/x", "\\x", "a/../../b", "..\\x", "a\0b")) {
            Path file = dir.resolve("bad.npz");
            BrineException e = assertThrows(BrineException.class,
                    () -> Npz.write(Map.of(bad, NDArray.of(new int[] {1})), file, false), bad);
            assertTrue(e.getMessage().contains("cannot write NPZ member"), e.getMessage());
            assertFalse(Files.exists(file), "no file left behind for " + bad);
        }
    }

    @Test
    void namesWithAColonThatAreNotADrivesRootWriteAndReadBackInNumpy() throws IOException {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        int i = 0;
        for (String name : List.of("w:0", "C:", "C:x", "a:b/c", "dir/x", "")) {
            arrays.put(name, NDArray.of(new long[] {i++, 7}));
        }
        Path file = dir.resolve("names.npz");
        Npz.write(arrays, file, false);
        Map<String, Object> back = Npz.readAll(file, dev.brine.Limits.DEFAULT);
        assertEquals(List.copyOf(arrays.keySet()), List.copyOf(back.keySet()));
        Python.require("numpy");
        String out = Python.checkText(String.join("\n",
                "import numpy as np, sys",
                "z = np.load(sys.argv[1])",
                "print(';'.join('%s=%s' % (k, z[k].tolist()) for k in z.files))"), file).strip();
        assertEquals("w:0=[0, 7];C:=[1, 7];C:x=[2, 7];a:b/c=[3, 7];dir/x=[4, 7];=[5, 7]", out); // '' as np.savez writes it
    }
}
