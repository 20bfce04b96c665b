package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cloudpickle'd instance of a class defined in {@code __main__} (a notebook's model): its class is built by a
 * call in the pickle, which every verb refused as NEWOBJ's "class argument isn't a type". Now show and ls read it
 * (inert, nothing run) and extract writes its array, which numpy loads equal to the model's.
 */
class CloudpickledClassCliTest {
    @TempDir
    Path tmp;

    @Test
    void everyVerbReadsAnInstanceOfACloudpickledClass() throws Exception {
        Python.require("cloudpickle", "numpy");
        Path pkl = tmp.resolve("model.pkl");
        Python.check("import sys, cloudpickle, numpy as np\n"
                + "class Model:\n    def __init__(self): self.w = np.arange(3.0)\n"
                + "open(sys.argv[1], 'wb').write(cloudpickle.dumps(Model(), protocol=5))\n", new byte[0], pkl.toString());
        CliTest.Run show = CliTest.run("show", pkl.toString());
        assertEquals(0, show.status(), show.err());
        CliTest.Run ls = CliTest.run("ls", pkl.toString());
        assertEquals(0, ls.status(), ls.err());
        assertTrue(ls.out().startsWith("w "), ls.out());
        Path out = tmp.resolve("out");
        CliTest.Run extract = CliTest.run("extract", "-o", out.toString(), pkl.toString());
        assertEquals(0, extract.status(), extract.err());
        assertTrue(Files.exists(out.resolve("w.npy")), extract.out() + extract.err());
        assertEquals("True", Python.checkText("import sys, numpy as np\n"
                + "print(np.array_equal(np.load(sys.argv[1]), np.arange(3.0)), end='')\n", out.resolve("w.npy")));
    }
}
