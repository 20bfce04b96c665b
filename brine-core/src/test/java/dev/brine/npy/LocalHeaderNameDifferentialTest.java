package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.Limits;
import dev.brine.archive.ModelArchive;
import dev.brine.archive.SharedVariable;
import dev.brine.ndarray.NDArray;
import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member whose local header names it otherwise than the central directory ({@code ../../x.npy} behind
 * {@code abcdefghijk}, same length so every offset stays valid) is refused, as Python's zipfile, numpy.load and
 * brine.py refuse it ("File name in directory ... and header ... differ"); Brine read it, checking only the central
 * name (found by a hunt). The untouched files, made the same way, read in both.
 */
class LocalHeaderNameDifferentialTest {
    @TempDir
    Path dir;

    private static final String MAKE = String.join("\n",
            "import os, sys, zipfile",
            "sys.path.insert(0, sys.argv[2])",
            "import brine, numpy as np",
            "os.chdir(sys.argv[1])",
            "np.savez('good.npz', abcdefghijk=np.arange(3))",
            "brine.dump({'a': brine.SharedVariable(np.arange(3), 'abcdefghijk')}, 'good.zip')",
            "for good, bad in (('good.npz', 'bad.npz'), ('good.zip', 'bad.zip')):",
            "    b = bytearray(open(good, 'rb').read())",
            "    i = b.find(b'abcdefghijk')  # the first: the member's local header",
            "    b[i:i + 11] = b'../../x.npy'",
            "    open(bad, 'wb').write(bytes(b))",
            "    for f in (good, bad):",
            "        try:",
            "            print(f, np.load(f)['abcdefghijk'].tolist())",
            "        except zipfile.BadZipFile as e:",
            "            print(f, 'BadZipFile', e)");

    @Test
    void aLocalNameThatDiffersFromTheCentralOneIsRefusedAsZipfileRefusesIt() throws Exception {
        Python.require("numpy");
        String python = Python.checkText(MAKE, dir, Path.of("..", "python").toAbsolutePath());
        assertEquals(String.join("\n",
                "good.npz [0, 1, 2]",
                "bad.npz BadZipFile File name in directory 'abcdefghijk.npy' and header b'../../x.npy.npy' differ.",
                "good.zip [0, 1, 2]",
                "bad.zip BadZipFile File name in directory 'abcdefghijk' and header b'../../x.npy' differ.") + "\n",
                python);

        assertArrayEquals(new long[] {0, 1, 2},
                ((NDArray) Npz.readAll(dir.resolve("good.npz"), Limits.DEFAULT).get("abcdefghijk")).toLongArray());
        BrineException npz = assertThrows(BrineException.class, () -> Npz.readAll(dir.resolve("bad.npz"), Limits.DEFAULT));
        assertTrue(npz.getMessage().contains("member abcdefghijk.npy: its local header at byte 0 names it "
                + "../../x.npy.npy: the central directory and the local header give different names"), npz.getMessage());

        Map<?, ?> model = (Map<?, ?>) ModelArchive.load(dir.resolve("good.zip"));
        assertArrayEquals(new long[] {0, 1, 2}, ((NDArray) ((SharedVariable) model.get("a")).getValue()).toLongArray());
        BrineException zip = assertThrows(BrineException.class, () -> ModelArchive.load(dir.resolve("bad.zip")));
        assertTrue(zip.getMessage().contains("names it ../../x.npy: the central directory and the local header give"
                + " different names"), zip.getMessage());
    }
}
