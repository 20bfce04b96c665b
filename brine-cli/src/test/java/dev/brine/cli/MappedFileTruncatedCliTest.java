package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.testing.Python;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A memory-mapped input cut short while the CLI reads it: numpy dies of SIGBUS, the JVM throws an InternalError at
 * the next access; {@code brine} says which file changed, with status 1, instead of an "internal error" naming none.
 */
class MappedFileTruncatedCliTest {
    @TempDir
    Path tmp;

    @Test
    void aMappedNpyTruncatedWhileReadIsNamedWithStatusOne() throws Exception {
        Python.require("numpy");
        Path npy = tmp.resolve("big.npy");
        // numpy itself, reading its own file mapped when it is truncated: killed by SIGBUS (no exception to catch)
        Python.Result numpy = Python.run("import numpy as np, sys\n"
                + "np.save(sys.argv[1], np.arange(100000, dtype='f8'))\n"
                + "a = np.load(sys.argv[1], mmap_mode='r')\n"
                + "open(sys.argv[1], 'r+b').truncate(100)\n"
                + "print(float(a.sum()))\n", new byte[0], npy.toString());
        assertNotEquals(0, numpy.exitCode, "numpy read a truncated mapping");
        Python.check("import numpy as np, sys\nnp.save(sys.argv[1], np.arange(100000, dtype='f8'))\n", new byte[0], npy.toString());

        // the fault the verb meets: Npy.map, as the CLI maps an .npy, then the file cut short under it
        NDArray mapped = Npy.map(npy, false);
        try (RandomAccessFile f = new RandomAccessFile(npy.toFile(), "rw")) {
            f.setLength(100);
        }
        InternalError fault = null;
        try {
            double sum = 0;
            for (long i = 0; i < mapped.size(); i++) {
                sum += mapped.getDouble(i);
            }
            assertTrue(sum >= 0);
        } catch (InternalError e) {
            fault = e;
        }
        assertNotNull(fault, "reading a truncated mapping gives the JVM's InternalError");

        // as Main.execute hands it to the reporter when it escapes `brine show --stats FILE`
        picocli.CommandLine cl = Main.commandLine("show");
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.parseArgs("show", "--stats", npy.toString());
        assertEquals(1, new ErrorReporter().handleError(fault, cl));
        assertEquals("brine: " + npy + ": the file was changed or cut short while Brine read it (it is memory-mapped,"
                + " and part of it is gone); read it again once nothing is writing it", err.toString().strip());
    }
}
