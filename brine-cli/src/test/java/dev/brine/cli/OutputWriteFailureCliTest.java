package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output that cannot be written ({@code > /dev/full}) is a failure, as for {@code python3 -m pickletools}: status 1
 * and the reason, not status 0 with the output lost; a file convert cannot write is named.
 */
class OutputWriteFailureCliTest {
    @TempDir
    Path tmp;

    /** {@code brine ARGS > /dev/full}, in process: standard output as {@link Main#main} installs it, over /dev/full. */
    private static CliTest.Run toDevFull(String... args) throws Exception {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (FileOutputStream full = new FileOutputStream("/dev/full")) {
            System.setOut(StandardOutput.over(full));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.execute(args);
            return new CliTest.Run(status, "", err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void everyPrintingVerbFailsWhenItsOutputIsLost() throws Exception {
        Python.require("numpy");
        Path pkl = tmp.resolve("x.pkl");
        Path npz = tmp.resolve("x.npz");
        Python.check("import pickle, sys, numpy as np\n"
                + "pickle.dump({'w': list(range(100000))}, open(sys.argv[1], 'wb'))\n"
                + "np.savez(sys.argv[2], a=np.arange(10))\n", new byte[0], pkl.toString(), npz.toString());
        // what Python's own printer does with the same output lost
        Python.Result pickletools = Python.run("import os, sys, pickletools\n"
                + "os.dup2(os.open('/dev/full', os.O_WRONLY), 1)\n"
                + "pickletools.dis(open(sys.argv[1], 'rb'))\nsys.stdout.flush()\n", new byte[0], pkl.toString());
        assertEquals(1, pickletools.exitCode);
        assertTrue(pickletools.stderr.contains("No space left on device"), pickletools.stderr);
        for (String[] args : new String[][] {{"show", pkl.toString()}, {"show", "--json", pkl.toString()},
                {"dis", pkl.toString()}, {"ls", npz.toString()}, {"verify", npz.toString()}}) {
            CliTest.Run r = toDevFull(args);
            assertEquals(1, r.status(), String.join(" ", args));
            assertEquals("brine: cannot write standard output: No space left on device; what was printed is incomplete",
                    r.err().strip(), String.join(" ", args));
        }
        // and the same verbs, writing where they can, still end with 0
        assertEquals(0, CliTest.run("show", pkl.toString()).status());
    }

    @Test
    void aFileConvertCannotWriteIsNamed() throws Exception {
        Python.require("numpy");
        Path npz = tmp.resolve("x.npz");
        Python.check("import sys, numpy as np\nnp.savez(sys.argv[1], a=np.arange(100000))\n", new byte[0], npz.toString());
        Python.Result numpy = Python.run("import sys, numpy as np\nnp.save(open('/dev/full', 'wb'), np.load(sys.argv[1])['a'])\n",
                new byte[0], npz.toString());
        assertEquals(1, numpy.exitCode);
        assertTrue(numpy.stderr.contains("No space left on device"), numpy.stderr);
        CliTest.Run r = CliTest.run("convert", npz.toString(), "/dev/full");
        assertEquals(1, r.status());
        assertEquals("brine: /dev/full: cannot write: No space left on device", r.err().strip());
    }
}
