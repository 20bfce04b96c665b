package dev.brine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target whose name is near the file system's 255 bytes is written, as numpy writes it: the temporary file's name
 * (the target's, a random part and .tmp) went past the limit, the save failed, and its error named the temporary file.
 * Oracle: np.save to the same names; the bytes are compared.
 */
class LongTargetNameTest {
    @TempDir
    Path tmp;

    @Test
    void namesUpTo255BytesAreWrittenAsNumpyWritesThem() throws Exception {
        Python.require("numpy");
        String[] names = {"a".repeat(251) + ".npy", "é".repeat(125) + "x.npy", "b".repeat(230) + ".npy"};
        for (String name : names) {
            Path mine = Files.createDirectories(tmp.resolve("brine")).resolve(name);
            Path theirs = Files.createDirectories(tmp.resolve("numpy")).resolve(name);
            Python.check("import sys, numpy as np\nnp.save(sys.argv[1], np.arange(5.0))", new byte[0], theirs.toString());
            Npy.write(NDArray.of(new double[] {0, 1, 2, 3, 4}, 5), mine);
            assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(mine), name);
            try (var files = Files.list(mine.getParent())) {
                assertEquals(1, files.count(), "no temporary file left beside " + name);
            }
            Files.delete(mine);
        }
    }

    /**
     * A name past the file system's limit is refused before anything is written, naming the target, as numpy's
     * np.save (Python's open) refuses it at once; it was refused only by the rename, after the whole file had been
     * written and forced to disk, naming the temporary file.
     */
    @Test
    void aNameTooLongIsRefusedBeforeWritingNamingTheTarget() throws Exception {
        Python.require("numpy");
        Path target = Files.createDirectories(tmp.resolve("long")).resolve("w".repeat(256) + ".npy");
        Python.Result numpy = Python.run("import sys, numpy as np\nnp.save(sys.argv[1], np.arange(5.0))", new byte[0],
                target.toString());
        assertTrue(numpy.stderr.contains("File name too long"), numpy.stderr);
        boolean[] written = new boolean[1];
        java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
                () -> AtomicFiles.writeChannel(target, ch -> written[0] = true, true));
        assertEquals(target.toString(), e.getFile());
        assertTrue(e.getMessage().contains("File name too long"), e.getMessage());
        assertFalse(written[0], "nothing is written for a name the file system refuses");
        try (var files = Files.list(target.getParent())) {
            assertEquals(0, files.count());
        }
    }
}
