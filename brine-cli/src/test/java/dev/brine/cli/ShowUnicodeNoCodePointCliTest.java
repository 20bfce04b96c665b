package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code U} item holding a unit that is no code point (above 0x10FFFF) has no Java String, and
 * {@code NDArray.get} refuses it; show and show --json print it as numpy's repr of the item
 * ({@code '\U00110000'}) rather than fail or print U+FFFD. Oracle: numpy writes the file and prints the reprs.
 */
class ShowUnicodeNoCodePointCliTest {
    @TempDir
    Path tmp;

    @Test
    void itemsWithoutACodePointShowAsNumpysRepr() throws Exception {
        Python.require("numpy");
        Path npy = tmp.resolve("badu.npy");
        String reprs = Python.checkText(String.join("\n",
                "import numpy as np, sys",
                "a = np.frombuffer(np.array([0x110000, 0xd800, 0x41, 0], '<u4').tobytes(), '<U2')",
                "np.save(sys.argv[1], a)",
                "print(repr(a.tolist()[0]) + '\\t' + repr(a.tolist()[1]))"), npy).strip();
        String[] r = reprs.split("\t");
        CliTest.Run show = CliTest.run("show", npy.toString());
        assertEquals(0, show.status(), show.err());
        assertEquals("array(str64, shape=(2,)) [" + r[0] + ", " + r[1] + "]\n", show.out());
        CliTest.Run json = CliTest.run("show", "--json", npy.toString());
        assertEquals(0, json.status(), json.err());
        assertEquals("{\"__ndarray__\": {\"dtype\": \"str64\", \"shape\": [2], \"values\": [\""
                + r[0].replace("\\", "\\\\") + "\", \"A\"]}}\n", json.out());
    }
}
