package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NDArray equality of long doubles ({@code g}, {@code G}) against live numpy's {@code array_equal}:
 * numpy makes pairs of values that a double cannot tell apart (1 and 1 + eps, neighbours in the last
 * of the 64 mantissa bits, denormals, pseudo-denormals, unnormals, values whose padding bytes differ), and
 * says for each whether they are equal, NaN and negative. Brine must agree, but for the two documented
 * points where NDArray follows {@link Double#equals} as for every float: NaN equals NaN, and -0 differs from 0.
 */
class LongDoubleEqualityOracleTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Prints "hexA hexB equal nanA nanB signA signB" for each pair, the items being 16 little-endian bytes. */
    private static final String PAIRS = String.join("\n",
            "import numpy as np, random",
            "random.seed(5)",
            "g = np.longdouble",
            "eps = np.finfo(g).eps",
            "tiny = np.finfo(g).smallest_subnormal",
            "def raw(mant, se, pad=b'\\0' * 6):",
            "    return np.frombuffer(mant.to_bytes(8, 'little') + se.to_bytes(2, 'little') + pad, g)[0]",
            "vals = [g(1), g(1) + eps, g(1) - eps / 2, g(0.1), g('0.1'), g(2) ** 70, g(2) ** 70 + 1, g(-3) ** 41,",
            "        tiny, tiny * 2, g(0), -g(0), g(np.inf), -g(np.inf), g(np.nan), -g(np.nan),",
            "        np.finfo(g).max, np.finfo(g).smallest_normal]",
            "vals.append(raw(1 << 63, 0))  # pseudo-denormal: worth finfo.smallest_normal",
            "vals.append(raw(1 << 62, 5))  # unnormal: the x87 refuses it",
            "vals.append(raw(0, 0x7FFF))  # pseudo-infinity",
            "vals.append(raw(1 << 63, 0x3FFF, bytes(range(1, 7))))  # 1 with junk padding",
            "for _ in range(40):",
            "    m = random.getrandbits(64) | (1 << 63)",
            "    vals.append(raw(m, random.randrange(0x3F00, 0x4100)))",
            "    vals.append(raw(m ^ 1, random.randrange(0x3F00, 0x4100)))",
            "hexes = [np.array([v], g).tobytes() for v in vals]",
            "with np.errstate(all='ignore'):",
            "    for i, a in enumerate(vals):",
            "        for b in vals[i:i + 4] + random.sample(vals, 3):",
            "            x, y = np.array([a], g), np.array([b], g)",
            "            print(x.tobytes().hex(), y.tobytes().hex(), np.array_equal(x, y), np.isnan(x)[0], np.isnan(y)[0],",
            "                  np.signbit(x)[0], np.signbit(y)[0])");

    @Test
    void longDoublesCompareOnTheirExactValueAsNumpyDoes() throws IOException {
        Python.require("numpy");
        String out = new String(Python.check(PAIRS, new byte[0]), java.nio.charset.StandardCharsets.UTF_8);
        int compared = 0;
        int equalPairs = 0;
        for (String line : out.strip().split("\n")) {
            String[] f = line.split(" ");
            NDArray a = longDoubles(f[0]);
            NDArray b = longDoubles(f[1]);
            boolean nanA = f[3].equals("True");
            boolean nanB = f[4].equals("True");
            boolean zeroSignsDiffer = !f[5].equals(f[6]);
            // numpy's verdict, but for NaN (equal to every NaN) and the sign of zero (kept), as Double.equals
            boolean want = nanA || nanB ? nanA && nanB : f[2].equals("True") && !zeroSignsDiffer;
            assertEquals(want, a.equals(b), line);
            assertEquals(want, b.equals(a), line);
            if (want) {
                assertEquals(a.hashCode(), b.hashCode(), "equal arrays hash alike: " + line);
                equalPairs++;
            }
            assertEquals(want, complexOf(a).equals(complexOf(b)), "as both parts of a complex long double: " + line);
            if (want) {
                assertEquals(complexOf(a).hashCode(), complexOf(b).hashCode(), line);
            }
            compared++;
        }
        assertTrue(compared > 300, "numpy gave " + compared + " pairs");
        assertTrue(equalPairs > 50 && equalPairs < compared, equalPairs + " equal pairs of " + compared);
    }

    @Test
    void oneAndOnePlusEpsilonDifferAsInTheHuntsRepro() throws IOException {
        Python.require("numpy");
        String hex = new String(Python.check("import numpy as np\ng = np.longdouble\n"
                + "print(np.ones(1, g).tobytes().hex(), (np.ones(1, g) + np.finfo(g).eps).tobytes().hex(),"
                + " np.array_equal(np.ones(1, g), np.ones(1, g) + np.finfo(g).eps))", new byte[0]),
                java.nio.charset.StandardCharsets.UTF_8).strip();
        String[] f = hex.split(" ");
        assertEquals("False", f[2]);
        NDArray one = longDoubles(f[0]);
        NDArray next = longDoubles(f[1]);
        assertEquals(one.getDouble(0), next.getDouble(0), "a double cannot tell them apart");
        assertNotEquals(one, next);
        assertNotEquals(one.hashCode(), next.hashCode());
        assertEquals(one, longDoubles(f[0]).toOrder(Order.F));
    }

    private static NDArray longDoubles(String hex) {
        byte[] b = HEX.parseHex(hex);
        return NDArray.fromBytes(DType.parse("<f16"), Order.C, b, b.length / 16);
    }

    /** The same values as both the real and the imaginary part of a complex long double. */
    private static NDArray complexOf(NDArray a) {
        byte[] raw = a.rawBytes();
        List<Byte> out = new ArrayList<>();
        for (int i = 0; i < raw.length; i += 16) {
            for (int k = 0; k < 2; k++) {
                for (int j = 0; j < 16; j++) {
                    out.add(raw[i + j]);
                }
            }
        }
        byte[] c = new byte[out.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = out.get(i);
        }
        return NDArray.fromBytes(DType.parse("<c32"), Order.C, c, raw.length / 16);
    }
}
