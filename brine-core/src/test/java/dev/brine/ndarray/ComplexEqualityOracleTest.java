package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.npy.Npy;
import dev.brine.testing.Python;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * NDArray equality of complex64 and complex128 elements against live numpy: each part compares as a float element
 * does (README: by {@code Double.equals}' rule, NaN equal to NaN, -0.0 apart from 0.0), where numpy's
 * {@code array_equal} takes -0.0 as 0.0 and NaN as unequal. numpy writes each pair of one-element arrays as .npy and
 * says, per part, whether the values are {@code ==}, both NaN, and their sign bits; equal arrays must hash equal.
 * complex64 and complex128 arrays took -0.0 as 0.0 (Python's complex ==), unlike float64 and complex256.
 */
class ComplexEqualityOracleTest {
    private static final HexFormat HEX = HexFormat.of();

    private static final String PAIRS = String.join("\n",
            "import numpy as np, random, io",
            "random.seed(7)",
            "parts = [0.0, -0.0, 1.0, -1.0, 0.1, 1e-310, float('inf'), float('-inf'), float('nan'), -float('nan')]",
            "parts += [random.uniform(-2, 2) for _ in range(6)]",
            "def npy(a):",
            "    b = io.BytesIO(); np.save(b, a); return b.getvalue().hex()",
            "for t in (np.complex64, np.complex128):",
            "    for _ in range(400):",
            "        x = complex(random.choice(parts), random.choice(parts))",
            "        y = complex(random.choice(parts), random.choice(parts)) if random.random() < 0.5 else x",
            "        if random.random() < 0.3:",
            "            y = complex(-x.real if x.real == 0 else x.real, x.imag)",
            "        a, b = np.array([x], t), np.array([y], t)",
            "        same = []",
            "        for p, q in ((a.real[0], b.real[0]), (a.imag[0], b.imag[0])):",
            "            same.append((np.isnan(p) and np.isnan(q)) or (p == q and np.signbit(p) == np.signbit(q)))",
            "        print(npy(a), npy(b), all(same))");

    @Test
    void eachPartComparesAsAFloatElementDoes() throws IOException {
        Python.require("numpy");
        String out = new String(Python.check(PAIRS, new byte[0]), java.nio.charset.StandardCharsets.UTF_8);
        int equalPairs = 0;
        int unequalPairs = 0;
        for (String line : out.strip().split("\n")) {
            String[] f = line.split(" ");
            NDArray a = Npy.read(new ByteArrayInputStream(HEX.parseHex(f[0])), dev.brine.Limits.DEFAULT);
            NDArray b = Npy.read(new ByteArrayInputStream(HEX.parseHex(f[1])), dev.brine.Limits.DEFAULT);
            boolean expected = Boolean.parseBoolean(f[2].toLowerCase());
            assertEquals(expected, a.equals(b), a + " vs " + b);
            assertEquals(expected, b.equals(a), b + " vs " + a);
            if (expected) {
                assertEquals(a.hashCode(), b.hashCode(), a.toString());
                equalPairs++;
            } else {
                unequalPairs++;
            }
        }
        assertTrue(equalPairs > 100 && unequalPairs > 100, equalPairs + " equal, " + unequalPairs + " unequal");
    }
}
