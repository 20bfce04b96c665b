package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * show printed float32 array values in Python's float layout ({@code 1482457700000.0}, {@code 0.0001} where numpy's
 * element is {@code np.float32(1.4824577e+12)}, {@code np.float32(1e-04)}) and float16 values with a float32's
 * digits ({@code 0.099975586} for {@code np.float16(0.1)}). Each value is now numpy's text of the element. Oracle:
 * numpy writes the arrays and prints the line show must print, each value as {@code str()} of the element.
 */
class ShowFloatElementsCliTest {
    @TempDir
    Path tmp;

    @Test
    void float16AndFloat32ValuesAreNumpysTextOfEachElement() throws Exception {
        Python.require("numpy");
        for (String dtype : new String[] {"float16", "float32"}) {
            Path pkl = tmp.resolve(dtype + ".pkl");
            String expected = Python.checkText(String.join("\n",
                    "import numpy as np, pickle, sys",
                    "rng = np.random.default_rng(7)",
                    "bits = 'u2' if '" + dtype + "' == 'float16' else 'u4'",
                    "values = [1e6, 1e3, 999.5, 1e-4, 0.1, 1 / 3, -0.0, np.inf, np.nan, 65504, 1.4824577e12, 8384104.5]",
                    "a = np.concatenate([np.array(values).astype('" + dtype + "'),",
                    "                    rng.integers(0, 2 ** (8 * np.dtype(bits).itemsize), 300).astype(bits).view('" + dtype + "')])",
                    "arrays = [a[i:i + 6] for i in range(0, a.size, 6)]  # show's text gives at most 6 values of an array",
                    "pickle.dump(arrays, open(sys.argv[1], 'wb'), 4)",
                    "print('[%s]' % ', '.join('array(%s, shape=(%d,)) [%s]' % (x.dtype, x.size, ', '.join(str(e) for e in x))",
                    "                         for x in arrays))"), pkl);
            CliTest.Run show = CliTest.run("show", "--items=100", pkl.toString());
            assertEquals(0, show.status(), show.err());
            assertEquals(expected, show.out(), dtype);
        }
    }
}
