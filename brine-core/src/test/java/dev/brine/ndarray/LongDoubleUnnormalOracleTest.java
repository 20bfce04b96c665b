package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.numpy.NumpyScalar;
import dev.brine.testing.Python;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 80-bit long doubles in encodings the x87 refuses (integer bit clear above exponent field 0: unnormals,
 * pseudo-NaN, pseudo-infinity), against live numpy on x86-64: their value is NaN (float(), casts to
 * float64 and int64, the array repr), while numpy's scalar repr prints the digits of the bits read with
 * the integer bit set, positionally whatever their size (its test for scientific notation compares the
 * value, which is NaN); the bytes stay as they came. Normal values, NaN and infinity are the controls.
 */
class LongDoubleUnnormalOracleTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Each line: the 16 bytes in hex; numpy's array repr, scalar repr, float(), astype f8, astype i8. */
    private static final String NUMPY = String.join("\n",
            "import numpy as np, sys",
            "cases = [(1 << 62, 0x3FFF), (1 << 62, 0xBFFF), (1 << 62, 0x3C05), (1 << 62, 0x3FF0), (1 << 62, 0x4005), (1 << 62, 5), (0x1234, 0x4005), (0, 0x3FFF), (0, 0x7FFF),",
            "         (1 << 62, 0x7FFF), (1 << 63, 0x3FFF), (0xC000000000000000, 0x7FFF), (1 << 63, 0x7FFF), (3 << 62, 0x4000)]",
            "with np.errstate(all='ignore'):",
            "    for m, se in cases:",
            "        raw = m.to_bytes(8, 'little') + se.to_bytes(2, 'little') + bytes(6)",
            "        a = np.frombuffer(raw, '<f16')",
            "        print('\\t'.join([raw.hex(), repr(a), repr(a[0]), repr(float(a[0])), repr(float(a.astype('f8')[0])),",
            "                         str(int(a.astype('i8')[0]))]))");

    @Test
    void invalidEncodingsAreNaNAsNumpyReadsThemAndKeepTheirBytes() throws IOException {
        Python.require("numpy");
        String out = new String(Python.check(NUMPY, new byte[0]), java.nio.charset.StandardCharsets.UTF_8);
        DType g = DType.parse("<f16");
        List<String> differences = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            String[] f = line.split("\t");
            byte[] raw = HEX.parseHex(f[0]);
            NDArray a = NDArray.fromBytes(g, Order.C, raw, 1);
            String brine = String.join("\t", f[0], a.toString(), new NumpyScalar(g, raw).toString(), pyFloat(a.getDouble(0)),
                    pyFloat(a.astype(DType.FLOAT64).getDouble(0)), Long.toString(a.astype(DType.INT64).getLong(0)));
            if (!brine.equals(line)) {
                differences.add("numpy " + line + "\nbrine " + brine);
            }
            assertArrayEquals(raw, a.rawBytes());
        }
        assertEquals(List.of(), differences);
    }

    /**
     * complex256 scalars with a part the x87 refuses: numpy's {@code clongdoubletype_repr} prints the imaginary part's
     * digits only when the real part is +0; otherwise it tests each part with {@code npy_isfinite} and {@code npy_isnan},
     * which see the NaN the x87 loads, and prints {@code nan} ({@code 1+nanj}, {@code nan+2j}); Brine printed the
     * digits of the bits there too. Every pair of valid and invalid parts, in both byte orders, repr and str.
     */
    @Test
    void complexScalarsWithAnInvalidPartPrintItAsNumpyDoes() throws IOException {
        Python.require("numpy");
        String script = String.join("\n",
                "import numpy as np, sys",
                "parts = [(0, 0), (0, 0x8000), (1 << 63, 0x3FFF), (3 << 62, 0xC000), (1 << 62, 0x3FFF), (0x0DF4EAE70D640081, 0x7D0D),",
                "         (0, 0x3FFF), (0, 0x7FFF), (1 << 62, 0x7FFF), (1 << 63, 0x7FFF), (1 << 63, 0xFFFF), (0xC000000000000000, 0x7FFF),",
                "         (1 << 63, 5), (1, 0)]",
                "enc = lambda m, se: m.to_bytes(8, 'little') + se.to_bytes(2, 'little') + bytes(6)",
                "with np.errstate(all='ignore'):",
                "    for re in parts:",
                "        for im in parts:",
                "            for order in '<>':",
                "                raw = enc(*re) + enc(*im)",
                "                if order == '>': raw = raw[:16][::-1] + raw[16:][::-1]",
                "                x = np.frombuffer(raw, order + 'c32')[0]",
                "                print('\\t'.join([order + 'c32', raw.hex(), repr(x), str(x)]))");
        String out = new String(Python.check(script, new byte[0]), java.nio.charset.StandardCharsets.UTF_8);
        List<String> differences = new ArrayList<>();
        String[] lines = out.strip().split("\n");
        assertEquals(14 * 14 * 2, lines.length);
        for (String line : lines) {
            String[] f = line.split("\t");
            DType t = DType.parse(f[0]);
            byte[] raw = HEX.parseHex(f[1]);
            String brine = String.join("\t", f[0], f[1], new NumpyScalar(t, raw).toString(),
                    ScalarFormat.longDoubleText(NDArray.fromBytes(t, Order.C, raw, 1), 0));
            if (!brine.equals(line)) {
                differences.add("numpy " + line + "\nbrine " + brine);
            }
        }
        assertEquals(List.of(), differences);
    }

    /** Python's repr of a float, for the values here. */
    private static String pyFloat(double v) {
        return Double.isNaN(v) ? "nan" : Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : Double.toString(v);
    }
}
