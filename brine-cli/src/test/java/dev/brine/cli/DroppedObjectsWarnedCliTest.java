package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code convert} to {@code .npz} or {@code .safetensors}, which hold arrays only, names every value it leaves out,
 * an object with no arguments and no state ({@code mylib.Marker()}) too: it was dropped without the warning, and a
 * file holding nothing else was written as an empty output with status 0, where an int there is refused.
 */
class DroppedObjectsWarnedCliTest {
    @TempDir
    Path tmp;

    @Test
    void anObjectWithNothingInItIsNamedWhenLeftOut() throws Exception {
        Python.require("numpy");
        Python.check(String.join("\n",
                "import os, pickle, sys, types, numpy as np",
                "os.chdir(sys.argv[1])",
                "class Marker: pass",
                "Marker.__module__ = 'mylib'",
                "m = types.ModuleType('mylib'); m.Marker = Marker; sys.modules['mylib'] = m",
                "pickle.dump({'w': np.ones(2), 'flag': Marker()}, open('marker.pkl', 'wb'), protocol=2)",
                "pickle.dump({'flag': Marker()}, open('only.pkl', 'wb'), protocol=2)"), new byte[0], tmp.toString());
        CliTest.Run npz = CliTest.run("convert", tmp.resolve("marker.pkl").toString(), tmp.resolve("m.npz").toString());
        assertEquals(0, npz.status(), npz.err());
        assertTrue(npz.err().contains(".npz holds only arrays; not converted: flag"), npz.err());
        Path out = tmp.resolve("only.safetensors");
        CliTest.Run only = CliTest.run("convert", tmp.resolve("only.pkl").toString(), out.toString());
        assertEquals(1, only.status(), only.err());
        assertTrue(only.err().contains("not converted: flag") && only.err().contains("no arrays to write to .safetensors"),
                only.err());
        assertFalse(Files.exists(out));
    }
}
