package dev.brine.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * numpy.load lists a ZIP member under its name without a trailing {@code .npy}, so a variable named {@code W.npy}
 * beside one named {@code W} made two members numpy lists as {@code W} (one array lost from {@code dict(np.load(f))}),
 * and {@code pkl.npy} one listed as the pickle's {@code pkl}. The writers (Java's and python/brine.py's) now give
 * names by that key: {@code W.npy_2}, {@code V_2}, and refuse {@code pkl.npy} as they refuse {@code pkl} (found by a
 * hunt). numpy.load is the oracle: every array under a key of its own, with its values.
 */
class NumpyKeyMemberNamesTest {
    @TempDir
    Path tmp;

    private static final String PYTHON_READS = String.join("\n",
            "import sys",
            "sys.path.insert(0, sys.argv[2])",
            "import brine, numpy as np",
            "d = np.load(sys.argv[1])",
            "print(d.files)",
            "print(sorted((k, v.tolist()) for k, v in dict(d).items() if k != 'pkl'))",
            "m = brine.load(sys.argv[1])",
            "print(sorted((k, v.name, v.value.tolist()) for k, v in m.items()))");

    private static final String PYTHON_WRITES = String.join("\n",
            "import sys, zipfile",
            "sys.path.insert(0, sys.argv[2])",
            "import brine, numpy as np",
            "SV = brine.SharedVariable",
            "brine.dump({'b': SV(np.array([4]), 'W'), 'c': SV(np.array([5, 6]), 'W.npy'), 'd': SV(np.array([7]), 'V.npy'),"
                    + " 'e': SV(np.array([8]), 'V')}, sys.argv[1])",
            "print(zipfile.ZipFile(sys.argv[1]).namelist())",
            "try:",
            "    brine.dump({'a': SV(np.array([1]), 'pkl.npy')}, sys.argv[1] + '.pkl')",
            "except ValueError as e:",
            "    print(e)");

    @Test
    void membersGetNamesNumpyListsApartAndPklNpyIsRefused() throws Exception {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("b", new SharedVariable("W", NDArray.of(new long[] {4})));
        model.put("c", new SharedVariable("W.npy", NDArray.of(new long[] {5, 6})));
        model.put("d", new SharedVariable("V.npy", NDArray.of(new long[] {7})));
        model.put("e", new SharedVariable("V", NDArray.of(new long[] {8})));
        Path f = tmp.resolve("model.zip");
        ModelArchive.dump(model, f);

        Path pkl = tmp.resolve("pkl.zip");
        BrineException e = assertThrows(BrineException.class, () -> ModelArchive.dump(
                Map.of("a", new SharedVariable("pkl.npy", NDArray.of(new long[] {1}))), pkl));
        assertTrue(e.getMessage().contains("named 'pkl.npy', which numpy.load would list as 'pkl'"), e.getMessage());
        assertFalse(Files.exists(pkl));

        Python.require("numpy");
        String python = Path.of("..", "python").toAbsolutePath().toString();
        assertEquals(String.join("\n",
                "['W', 'W.npy_2', 'V', 'V_2', 'pkl']",
                "[('V', [7]), ('V_2', [8]), ('W', [4]), ('W.npy_2', [5, 6])]",
                "[('b', 'W', [4]), ('c', 'W.npy', [5, 6]), ('d', 'V.npy', [7]), ('e', 'V', [8])]") + "\n",
                Python.checkText(PYTHON_READS + "\n", f, Path.of(python)));
        // python/brine.py names the same model's members alike, and refuses pkl.npy too
        assertEquals(String.join("\n",
                "['W', 'W.npy_2', 'V.npy', 'V_2', 'pkl']",
                "can't pickle shared variable with name `pkl.npy` (numpy.load lists it as `pkl`)") + "\n",
                Python.checkText(PYTHON_WRITES, tmp.resolve("py.zip"), Path.of(python)));
    }
}
