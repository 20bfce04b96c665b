package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * show failed ("array is 1-dimensional, but 0 indices were given") on a numpy scalar of a subarray dtype, which numpy
 * loads as {@code np.void(b'\x01\x02')}. Oracle: numpy writes the pickle and prints what it loads.
 */
class ShowSubarrayScalarCliTest {
    @TempDir
    Path tmp;

    @Test
    void aSubarrayScalarShowsAsNumpysVoid() throws Exception {
        Python.require("numpy");
        Path pkl = tmp.resolve("sub.pkl");
        String numpy = Python.checkText(String.join("\n",
                "import numpy as np, pickle, sys",
                "from numpy._core.multiarray import scalar",
                "class R:",
                "    def __reduce__(self): return (scalar, (np.dtype(('i1', (2,))), b'\\x01\\x02'))",
                "open(sys.argv[1], 'wb').write(pickle.dumps({'s': R()}, 2))",
                "print(pickle.load(open(sys.argv[1], 'rb')))"), pkl);
        CliTest.Run show = CliTest.run("show", pkl.toString());
        assertEquals(0, show.status(), show.err());
        assertEquals(numpy, show.out());
    }
}
