package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.npy.Npy;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The column width of datetime64 and timedelta64 arrays against numpy's repr. numpy's {@code _TimelikeFormat}
 * measures only the texts of the smallest and the largest value (and 5 for a NaT); where a count times its unit
 * overflows ({@code M8[25h]}, {@code M8[2ms]}, {@code M8[W]} with counts near 2**63) another value's text is longer,
 * and numpy does not pad for it. Brine measured every value and padded wider. Oracle: numpy's repr of seeded random
 * int64 counts viewed as each type, some with NaT, as arrays and as a structured field, saved to {@code .npy}.
 */
class TimeReprWidthOracleTest {
    private static final int CASES = 120;

    @TempDir
    Path dir;

    @Test
    void timeColumnsAreAsWideAsTheirSmallestAndLargestValues() throws IOException {
        Python.require("numpy");
        String script = String.join("\n", "import sys, numpy as np",
                "rng = np.random.default_rng(20261130)",
                "types = ['M8[25h]', 'M8[2ms]', 'M8[W]', 'M8[7D]', 'M8[3M]', 'M8[2Y]', 'M8[10us]', 'M8[as]', 'M8[s]',"
                        + " 'm8[25h]', 'm8[s]']",
                "for i in range(" + CASES + "):",
                "    t = types[i % len(types)]",
                "    n = 1 + i % 5",
                // counts over the whole range, or small ones among huge ones, with a NaT in every third case
                "    v = rng.integers(-2**63 + 1, 2**63, n, dtype='i8') if i % 2 else rng.integers(-10**6, 10**6, n, dtype='i8')",
                "    if i % 4 == 1: v[0] = rng.integers(-10**6, 10**6)",
                "    if i % 3 == 0: v[-1] = -2**63",
                "    a = v.view(t) if i % 5 else np.rec.fromarrays([v.view(t), v % 7], names='t,k').view(np.ndarray)",
                "    np.save(sys.argv[1] + '/t%d.npy' % i, a)",
                "    print(repr(np.load(sys.argv[1] + '/t%d.npy' % i)))",
                "    print('\\x00')");
        String[] reprs = Python.checkText(script, dir).split("\n\u0000\n");
        assertEquals(CASES, reprs.length);
        StringBuilder mismatches = new StringBuilder();
        for (int i = 0; i < CASES; i++) {
            String mine = Npy.read(dir.resolve("t" + i + ".npy")).toString();
            if (!reprs[i].strip().equals(mine)) {
                mismatches.append("case ").append(i).append(":\nnumpy: ").append(reprs[i]).append("\nbrine: ").append(mine)
                        .append('\n');
            }
        }
        assertEquals("", mismatches.toString());
    }
}
