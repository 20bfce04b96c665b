package dev.brine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
