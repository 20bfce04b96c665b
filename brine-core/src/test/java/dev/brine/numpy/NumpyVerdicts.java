package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.pickle.Pickle;
import dev.brine.py.PythonRepr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The check shared by the tests whose oracle script writes {@code name.pkl} files into a folder and prints, per file,
 * {@code name} and numpy's repr of what it loads, or {@code refused}: Brine must load each to the same repr, or refuse it.
 */
final class NumpyVerdicts {
    private NumpyVerdicts() {
    }

    /** Checks every line of {@code numpyOutput} against Brine's reading of its file in {@code dir}; the number refused. */
    static int assertLoadedAsNumpyLoads(Path dir, String numpyOutput) throws IOException {
        int refused = 0;
        for (String line : numpyOutput.strip().split("\n")) {
            String name = line.substring(0, line.indexOf(' '));
            String want = line.substring(name.length() + 1);
            String got;
            try {
                got = PythonRepr.repr(Pickle.loads(Files.readAllBytes(dir.resolve(name + ".pkl")))).replace("\n", "");
            } catch (BrineException e) {
                got = "refused";
                refused++;
                assertTrue(e.getMessage().length() > 20, e.getMessage());
            }
            assertEquals(want, got, name);
        }
        return refused;
    }
}
