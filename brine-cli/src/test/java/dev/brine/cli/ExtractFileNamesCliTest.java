package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * extract's suffix for two names that are one file name ignoring case took a later array's own file name: the .npz
 * {W, w, w_2} was extracted as W.npy, w_2.npy (holding the array w) and w_2_2.npy (holding w_2), so np.load('w_2.npy')
 * gave the wrong array. Every array whose file name is free keeps it; a clash takes the first suffix no array has as
 * its own name. The oracle: numpy writes the .npz and reads every extracted file.
 */
class ExtractFileNamesCliTest {
    @TempDir
    Path tmp;

    @Test
    void aClashSuffixNeverTakesAnotherArraysOwnFileName() throws Exception {
        Python.require("numpy");
        String keys = "['W', 'w', 'w_2', 'w:0', 'w_0', 'w_3', 'x']";
        Python.check("import sys, numpy as np\n"
                + "np.savez(sys.argv[1], **{k: np.array([i]) for i, k in enumerate(" + keys + ")})\n", new byte[0],
                tmp.resolve("c.npz").toString());
        CliTest.Run ex = CliTest.run("extract", tmp.resolve("c.npz").toString(), "-o", tmp.resolve("x").toString());
        assertEquals(0, ex.status(), ex.err());
        String files = ex.out().lines().map(l -> Path.of(l).getFileName().toString()).collect(Collectors.joining(" "));
        // each array's own name where it is free (w_2, w_3 and x), the clashes suffixed past them
        assertEquals("W.npy w_4.npy w_2.npy w_0.npy w_0_2.npy w_3.npy x.npy", files);
        String checked = new String(Python.check("import sys, os, numpy as np\n"
                + "z = np.load(sys.argv[1])\n"
                + "files = sys.argv[3].split()\n"
                + "assert z.files == " + keys + " and len(files) == len(z.files), (z.files, files)\n"
                + "for k, f in zip(z.files, files):\n"
                + "    got = np.load(os.path.join(sys.argv[2], f))\n"
                + "    assert got.dtype == z[k].dtype and np.array_equal(got, z[k]), (k, f, got)\n"
                + "print('ok')", new byte[0], tmp.resolve("c.npz").toString(), tmp.resolve("x").toString(), files),
                java.nio.charset.StandardCharsets.UTF_8).strip();
        assertEquals("ok", checked);
    }
}
