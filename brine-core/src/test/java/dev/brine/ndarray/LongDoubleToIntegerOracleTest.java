package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * astype from long double ({@code g}) and complex long double ({@code G}) to every integer type
 * against live numpy, on the values whose casts C leaves undefined (NaN, infinities, out of range)
 * and ordinary ones. numpy converts a complex long double's real part as a long double (int16 of NaN
 * is -32768 there, not the 0 a double's path gives), the same at every length and place of the array
 * (unlike its float64 to uint32 loop), so Brine must match it byte for byte.
 */
class LongDoubleToIntegerOracleTest {
    private static final String[] INTEGERS = {"|i1", "|u1", "<i2", ">i2", "<u2", "<i4", "<u4", ">u4", "<i8", "<u8"};

    /** For "src dst count": numpy's bytes of the edge values (count of them, cycled) cast from src to dst. */
    private static final String CAST = String.join("\n",
            "import numpy as np, warnings",
            "warnings.simplefilter('ignore')",
            "E = [np.nan, np.inf, -np.inf, 5e9, -1e20, 1e20, -1.0, 3e9, 2.0 ** 63, 2.0 ** 64, 3.7, -3.7, 127.5, 32768.9,",
            "     1.5e19, -2.0 ** 63, 4294967295.5, 0.0, -0.0, 255.0, -129.0]",
            "def case(line):",
            "    s, d, n = line.split(' ')",
            "    v = [E[i % len(E)] for i in range(int(n))]",
            "    a = np.array([complex(x, i - 3) for i, x in enumerate(v)] if s.endswith('c32') else v, s)",
            "    with np.errstate(all='ignore'):",
            "        return a.tobytes().hex() + ' ' + a.astype(d).tobytes().hex()");

    @Test
    void longDoublesAndTheirComplexCastToIntegersAsNumpy() throws IOException {
        Python.require("numpy");
        List<String> lines = new ArrayList<>();
        for (String s : new String[] {"<f16", "<c32", ">c32"}) {
            for (String d : INTEGERS) {
                for (int n : new int[] {1, 3, 21, 40}) {
                    lines.add(s + " " + d + " " + n);
                }
            }
        }
        List<String> want = Python.eachLine(CAST, "case(line)", null, lines);
        HexFormat hex = HexFormat.of();
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split(" ");
            String[] w = want.get(i).split(" ");
            DType src = DType.parse(f[0]);
            byte[] raw = hex.parseHex(w[0]);
            NDArray a = NDArray.fromBytes(src, Order.C, raw, raw.length / src.itemsize());
            assertEquals(w[1], hex.formatHex(a.astype(DType.parse(f[1])).rawBytes()), lines.get(i));
        }
    }
}
