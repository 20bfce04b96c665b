package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.testing.Python;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Npz#write} refuses a null array (numpy's savez would pickle a None, which an NPZ of Brine's
 * does not hold) or a null key before writing anything, naming the key: no raw NullPointerException,
 * no half-written archive. With the null left out, numpy reads the other members back.
 */
class NpzNullMemberTest {
    @TempDir
    Path dir;

    @Test
    void nullArrayIsRefusedByItsKeyBeforeAnythingIsWritten() throws IOException {
        Map<String, NDArray> m = new LinkedHashMap<>();
        m.put("w", NDArray.of(new double[] {1, 2}));
        m.put("x", null);
        Path f = dir.resolve("n.npz");
        BrineException e = assertThrows(BrineException.class, () -> Npz.write(m, f, false));
        assertEquals("cannot write NPZ member 'x': its array is null (an NPZ holds arrays only)", e.getMessage());
        assertFalse(f.toFile().exists(), "nothing written");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThrows(BrineException.class, () -> Npz.write(m, out, true));
        assertEquals(0, out.size(), "nothing written to the stream");

        m.remove("x");
        Npz.write(m, f, false);
        Python.require("numpy");
        assertEquals("w [1.0, 2.0]", Python.checkText("import sys, numpy as np\nz = np.load(sys.argv[1])\n"
                + "print(' '.join(z.files), z['w'].tolist())", f).strip());
    }

    @Test
    void nullKeyIsRefused() {
        Map<String, NDArray> m = new java.util.HashMap<>();
        m.put(null, NDArray.of(new int[] {1}));
        assertEquals("cannot write an NPZ member without a name: the map holds a null key",
                assertThrows(BrineException.class, () -> Npz.write(m, dir.resolve("k.npz"), true)).getMessage());
    }
}
