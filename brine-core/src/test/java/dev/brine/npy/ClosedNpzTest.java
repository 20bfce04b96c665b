package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import dev.brine.testing.Python;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code .npz} read after it was closed: numpy refuses (its closed NpzFile has no zip to open), and so
 * does Brine, with its own exception naming the file and the member, where the closed channel's own
 * answer was a ClosedChannelException without a message. Both of np.savez's layouts, stored and deflated.
 */
class ClosedNpzTest {
    private static final String SAVE = String.join("\n",
            "import sys, numpy as np",
            "x = np.arange(1000, dtype='<i4') * 3",
            "np.savez(sys.argv[1], x=x)",
            "np.savez_compressed(sys.argv[2], x=x)",
            "z = np.load(sys.argv[1]); z.close()",
            "try:",
            "    z['x']",
            "    print('read')",
            "except Exception:",
            "    print('refused')",
            "sys.stdout.write(x.tobytes().hex())");

    @Test
    void membersOfAClosedNpzAreRefusedAsNumpyRefusesThem(@TempDir Path dir) throws Exception {
        Path stored = dir.resolve("stored.npz");
        Path deflated = dir.resolve("deflated.npz");
        String[] out = new String(Python.check(SAVE, new byte[0], stored.toString(), deflated.toString()),
                StandardCharsets.US_ASCII).split("\n");
        assertEquals("refused", out[0], "numpy refuses a member of a closed NpzFile");
        byte[] numpyBytes = java.util.HexFormat.of().parseHex(out[1]);
        for (Path file : new Path[] {stored, deflated}) {
            NpzFile npz = Npz.open(file);
            NDArray x = npz.array("x");
            assertArrayEquals(numpyBytes, x.rawBytes(), file + ": read while open");
            npz.close();
            BrineException e = assertThrows(BrineException.class, () -> npz.array("x"));
            assertTrue(e.getMessage().startsWith(file + ": member x.npy: the archive was closed"), e.getMessage());

            ZipReader zip = ZipReader.open(file, Limits.DEFAULT); // a member stream opened before the close
            InputStream opened = zip.open(zip.entries().get(0));
            zip.close();
            BrineException s = assertThrows(BrineException.class, () -> opened.read(new byte[16]));
            assertTrue(s.getMessage().startsWith(file + ": member x.npy: the archive was closed"), s.getMessage());
        }
    }
}
