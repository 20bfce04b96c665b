package dev.brine.ndarray;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Long doubles ({@code f16}) and complex256 ({@code c32}) against live numpy where a double in the middle
 * would lose bits: between long double types (other byte order, to and from complex256) numpy copies every
 * bit, 2**64-3 and 1e4000 included; to float32/complex64/float16 it rounds once from the 64-bit mantissa, and to
 * float64 once too (among a double's denormals as well); to bool it tests the 80 bits (1e-4000 is true); a
 * Python int is read into a long double with one rounding; {@code toFloatArray} rounds int64, uint64 and long
 * doubles once, as {@code astype(float32)}.
 */
class LongDoubleExactCastsOracleTest {
    private static final HexFormat HEX = HexFormat.of();

    /** The source array of each long double type: values near a double's limits, unnormals, padding bytes set. */
    private static final String SETUP = String.join("\n",
            "import numpy as np, warnings, sys",
            "warnings.simplefilter('ignore')",
            "sys.set_int_max_str_digits(0)",
            "L = np.longdouble",
            "V = [L(2) ** 64 - 3, L('1e4000'), L('-1e-4000'), L(1) + L(2) ** -24 + L(2) ** -54, L(2) ** -1075 + L(2) ** -1130,",
            "     L(2) ** -1060 + L(2) ** -1075 + L(2) ** -1120, -(L(2) ** -1075), L('0.1'), L(0), -L(0), L('inf'), -L('inf'),",
            "     L('nan'), L('1e-4950'), L(1) + L(2) ** -11 + L(2) ** -63, L(65519.99), L(3.4028235677973366e38) + L(2) ** 100]",
            "def item(v, i):",
            "    return np.array([v], '<f16').tobytes()[:10] + bytes([0xa0 + i] * 6)",
            "def raw(m, se, i):",
            "    return m.to_bytes(8, 'little') + se.to_bytes(2, 'little') + bytes([0xb0 + i] * 6)",
            "UNNORMAL = raw(0, 0x3fff, 1) + raw(1 << 62, 0x4005, 2) + raw(1 << 63, 0, 3) + raw(5, 0, 4)",
            "G = b''.join(item(v, i) for i, v in enumerate(V))",
            "def source(s):",
            "    g = G + UNNORMAL if ('f16' in s) else G + G[16:] + G[:16] + UNNORMAL + UNNORMAL[16:] + UNNORMAL[:16]",
            "    if s.endswith('c32'):",
            "        g = g[:len(g) // 32 * 32]",
            "    a = np.frombuffer(g, '<' + s[1:]).astype(s) if s[0] == '>' else np.frombuffer(g, s)",
            "    return a",
            "def narrow(a):",
            "    # the unnormals' NaN (the x87's indefinite) is compared among the long double casts only",
            "    return a[:len(V) if a.dtype.kind == 'f' else len(V) // 2 * 2]",
            "def cast(line):",
            "    s, d = line.split(' ')",
            "    a = source(s)",
            "    if d[1:] not in ('f16', 'c32', 'b1'):",
            "        a = narrow(a)",
            "    return a.tobytes().hex() + ' ' + a.astype(d).tobytes().hex()");

    private static final String[] LONG_DOUBLES = {"<f16", ">f16", "<c32", ">c32"};
    private static final String[] TARGETS = {"<f16", ">f16", "<c32", ">c32", "<f4", ">f4", "<c8", "<f2", "<f8", ">c16", "|b1"};

    @Test
    void longDoubleCastsKeepEveryBitAndRoundOnceAsNumpy() throws IOException {
        Python.require("numpy");
        List<String> lines = new ArrayList<>();
        for (String s : LONG_DOUBLES) {
            for (String d : TARGETS) {
                if (!d.equals(s)) {
                    lines.add(s + " " + d);
                }
            }
        }
        List<String> want = Python.eachLine(SETUP, "cast(line)", null, lines);
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split(" ");
            String[] w = want.get(i).split(" ");
            DType src = DType.parse(f[0]);
            DType dst = DType.parse(f[1]);
            byte[] raw = HEX.parseHex(w[0]);
            NDArray a = NDArray.fromBytes(src, Order.C, raw, raw.length / src.itemsize());
            NDArray b = a.astype(dst);
            // numpy leaves its stack's bytes in a new long double's padding: only a byte swap keeps them as they were
            boolean swap = dst.equals(src.withByteOrder(f[1].charAt(0)));
            String got = swap ? HEX.formatHex(b.rawBytes()) : significant(dst, b.rawBytes());
            String expected = swap ? w[1] : significant(dst, HEX.parseHex(w[1]));
            if (!got.equals(expected)) {
                differences.add(lines.get(i) + "\n numpy " + expected + "\n brine " + got);
            }
            if (f[1].equals("|b1")) {
                assertEquals(w[1], HEX.formatHex(bytes(a.toBooleanArray())), "toBooleanArray " + lines.get(i));
                for (int k = 0; k < a.size(); k++) {
                    assertEquals(b.getBoolean(k), a.getBoolean(k), "getBoolean " + k + " of " + lines.get(i));
                }
            }
        }
        assertEquals(List.of(), differences);
    }

    @Test
    void pythonIntegersIntoLongDoublesRoundOnceAsNumpy() throws IOException {
        Python.require("numpy");
        List<String> ints = List.of("-9223372036854775809", "-18446744073709551615", "-12345678901234567891",
                "18446744073709553665", "18446744073709553664", "18446744073709557760", "-18446744073709553665",
                "1180591620717411303423", "-1267650600228229401496703205377", "2 ** 16384", "-(2 ** 16384)",
                "2 ** 16384 - 2 ** (16384 - 65)", "2 ** 16384 - 2 ** (16384 - 65) - 1", "3 ** 10000 + 1", "-(2 ** 16383) * 3 // 2");
        List<String> want = Python.eachLine(SETUP + "\ndef store(v):\n    x = np.zeros(1, '<f16')\n    x[0] = v\n"
                + "    return x.tobytes()[:10].hex() + ' ' + str(v)", "store(eval(line))", null, ints);
        for (String w : want) {
            String[] f = w.split(" ");
            BigInteger v = new BigInteger(f[1]);
            NDArray little = NDArray.zeros(DType.parse("<f16"), 1);
            little.set(v, 0);
            assertEquals(f[0], significant(little.dtype(), little.rawBytes()), "<f16 set " + v);
            NDArray big = NDArray.zeros(DType.parse(">f16"), 1);
            big.set(v, 0);
            byte[] swapped = reversed(big.rawBytes());
            assertEquals(f[0], significant(little.dtype(), swapped), ">f16 set " + v);
        }
    }

    @Test
    void toFloatArrayRoundsOnceAsNumpysAstypeFloat32() throws IOException {
        Python.require("numpy");
        List<String> lines = List.of("<i8", ">i8", "<u8", "<f16", ">f16", "<M8[s]");
        String setup = SETUP + "\nI = [2 ** 60 + 2 ** 36 + 1, -(2 ** 60 + 2 ** 36 + 1), 2 ** 63 - 1, -2 ** 63, 3, 2 ** 53 + 2 ** 29 + 1, 0]"
                + "\nU = [2 ** 64 - 2 ** 39 - 1, 2 ** 63 + 2 ** 39 + 1, 2 ** 64 - 1, 5]"
                + "\ndef floats(s):\n    a = narrow(source(s)) if 'f16' in s else np.array(U if s[1] == 'u' else I, s)\n"
                + "    return a.tobytes().hex() + ' ' + a.astype('>f4').tobytes().hex()";
        List<String> want = Python.eachLine(setup, "floats(line)", null, lines);
        for (int i = 0; i < lines.size(); i++) {
            String[] w = want.get(i).split(" ");
            DType t = DType.parse(lines.get(i));
            byte[] raw = HEX.parseHex(w[0]);
            float[] got = NDArray.fromBytes(t, Order.C, raw, raw.length / t.itemsize()).toFloatArray();
            assertEquals(w[1], HEX.formatHex(NDArray.of(got).astype(DType.parse(">f4")).rawBytes()), lines.get(i));
        }
    }

    /** The bytes as hex, of a long double type only the 10 significant bytes of each value (no padding). */
    private static String significant(DType t, byte[] b) {
        if (!(t.kind() == DType.Kind.FLOAT && t.itemsize() > 8) && !(t.kind() == DType.Kind.COMPLEX && t.itemsize() > 16)) {
            return HEX.formatHex(b);
        }
        int n = t.kind() == DType.Kind.COMPLEX ? t.itemsize() / 2 : t.itemsize();
        boolean be = t.byteOrderChar() == '>';
        StringBuilder out = new StringBuilder();
        for (int p = 0; p < b.length; p += n) {
            out.append(HEX.formatHex(Arrays.copyOfRange(b, be ? p + n - 10 : p, be ? p + n : p + 10)));
        }
        return out.toString();
    }

    private static byte[] reversed(byte[] b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[b.length - 1 - i];
        }
        return out;
    }

    private static byte[] bytes(boolean[] v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (byte) (v[i] ? 1 : 0);
        }
        return out;
    }
}
